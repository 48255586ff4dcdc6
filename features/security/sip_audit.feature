Feature: The SIP service withstands the usual attacks on a SIP server
  Source: harness-level requirements H-SEC-1, H-SEC-2 and H-SEC-3 (REQUIREMENTS.md, section H);
  no seed document states them. An attacker who can reach the SIP port of the contact center
  runs the tools attackers use (sipvicious: svwar to find extensions, svcrack to guess passwords)
  and sends malformed messages. The service must not tell which usernames exist, must stop
  a password guesser after at most 10 failures without locking the real user out elsewhere,
  and must shrug off malformed SIP while it keeps taking calls.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones

  @H-SEC-1
  Scenario Outline: Scanning for extensions with <method> finds none
    When an attacker scans with svwar using <method>, over the agents' usernames hidden among common names and the extensions 100 to 109
    Then svwar tried every name and found no extension
    And an existing user and an unknown user get the same answers to <method>: same status, same headers, same timing class

    Examples:
      | method   |
      | REGISTER |
      | OPTIONS  |
      | INVITE   |

  @H-SEC-2
  Scenario: A password guesser is locked out for that user at its address, and only there, for a while
    When an attacker runs svcrack against the username of "Alice" with 30 wrong passwords
    Then svcrack finds no password
    And "Alice" cannot register from the attacker's address, even with her right password
    But "Alice" can still register from another address meanwhile
    And "Bruno" can still register from the attacker's address meanwhile
    And the lockout of "Alice" at the attacker's address ends within 10 seconds
    And "Alice" can register from the attacker's address again

  @H-SEC-2
  Scenario: Ten failed attempts are enough to lock the user out at that address
    When an attacker tries 10 wrong passwords for "Alice" from one address
    Then "Alice" cannot register from the attacker's address, even with her right password

  @H-SEC-3
  Scenario: Malformed SIP gets a 400 Bad Request or no answer, and calls still go through
    Given "Alice" is in the Ring to widget of "Support"
    When an attacker sends these malformed messages to the SIP port:
      | message              |
      | truncated start line |
      | bad CSeq             |
      | missing Via          |
      | binary garbage       |
      | huge header          |
      | 70 kB datagram       |
    And an attacker sends every invalid message of RFC 4475 to the SIP port
    Then each malformed message got a 400 Bad Request or no answer at all
    And after 200 randomly mutated requests the SIP service still answers
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Alice"
