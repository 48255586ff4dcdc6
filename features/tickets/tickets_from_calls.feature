Feature: Calls become tickets
  Source: seed 001_7595d3d888c238ca.txt (help-center article, French), "À propos des tickets
  créés à partir des appels". Talk makes a ticket of most calls: when an agent accepts an
  inbound call, when the callee of an outbound call answers. The ticket holds the calling and
  the called number, the time and duration of the call (talk time, holds, transfers and time in
  queue included), who placed and who answered the call, and the caller's location when known.
  Comments and property updates can be made during the call.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"

  @ZT-TKT-1 @ZT-TKT-8 @ZT-TKT-10 @needs:tickets
  Scenario: Accepting an inbound call makes a ticket with both numbers and both names
    When a customer calls "Support"
    Then the phone of "Alice" rings
    And no ticket is created for the call yet
    When "Alice" answers the call
    Then a ticket is created for the call
    And the customer and "Alice" hear each other within 500 ms of the answer
    And the ticket holds the customer's number as the calling number and the number of "Support" as the called number
    And the ticket says the customer placed the call and "Alice" answered it
    When the customer hangs up
    Then the ticket's call started when the customer called

  @ZT-TKT-9 @needs:tickets @needs:clock
  Scenario: The ticket's duration counts the talk time and the time on hold
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    And the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" puts the call on hold
    Then the customer and "Alice" no longer hear each other within 1000 ms
    When 90 seconds pass on the account's clock while the call is on hold
    And "Alice" takes the call off hold
    Then the customer and "Alice" hear each other again within 500 ms
    When the customer hangs up
    Then the ticket's call lasted as long as the call log says, with 90 seconds on hold

  @ZT-TKT-9 @AC-IN-7 @needs:tickets @needs:clock @needs:transfers
  Scenario: The ticket's duration counts the time the call spent being transferred
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    And the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" transfers the call to "Bruno"
    Then the phone of "Bruno" rings
    When 90 seconds pass on the account's clock while the transfer rings
    And "Bruno" answers the call
    Then the customer and "Bruno" hear each other within 500 ms of the transfer's answer
    When the customer hangs up
    Then the ticket's call lasted as long as the call log says, with 90 seconds being transferred

  @ZT-TKT-11 @needs:tickets
  Scenario Outline: The ticket holds the caller's location when the number tells it (<number>)
    Given the customer calls from "<number>"
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    And the ticket holds the caller's location "<location>"

    Examples:
      | number           | location          |
      | +33 1 45 67 89 01 | Paris             |
      | +34 912 345 678  | Madrid            |
      | +1 415 555 2671  | San Francisco, CA |

  @ZT-TKT-11 @needs:tickets
  Scenario: A withheld number gives the ticket no location
    Given the customer withholds her number
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    And the ticket holds no caller location

  @ZT-TKT-13 @needs:tickets
  Scenario: Comments and property updates are made on the ticket during the call
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    And the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" comments "Customer asks for a refund of order 4411" on the ticket during the call
    And "Alice" sets the ticket's priority to "high" during the call
    Then the ticket has the comment "Customer asks for a refund of order 4411" by "Alice", made during the call
    And the ticket's priority is "high"

  @ZT-TKT-13 @needs:tickets
  Scenario: A property update with a value the ticket cannot take is refused and changes nothing
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    When "Alice" sets the ticket's priority to "sky-high" during the call
    Then the change is refused naming "priority" and the ticket is unchanged

  @ZT-TKT-2 @ZT-TKT-10 @ZT-TKT-8 @needs:tickets @needs:outbound
  Scenario Outline: An outbound call from the console that the customer answers makes a ticket (<where>)
    Given the customer's phone is reached through the carrier
    When "Alice" calls the customer from "Support" <where>
    Then no ticket is created for the call yet
    When the customer answers
    Then a ticket is created for the call
    And the customer and "Alice" hear each other within 500 ms of the customer's answer
    And the ticket holds the number of "Support" as the calling number and the customer's number as the called number
    And the ticket says "Alice" placed the call and the customer answered it
    When "Alice" hangs up <where>
    Then the outbound call ends answered

    Examples: the console rings the agent's phone first
      | where          |
      | with her phone |

    @needs:desktop
    Examples: the console is the agent app's dialer
      | where            |
      | in the agent app |

  @ZT-TKT-2 @needs:tickets @needs:outbound
  Scenario Outline: An outbound call the customer does not answer makes no ticket (<reaction>, <where>)
    Given the customer's phone is reached through the carrier
    And outbound calls ring the customer for at most 2 seconds
    When "Alice" calls the customer from "Support" <where>
    And the customer <reaction>
    Then the outbound call ends <status>
    And no ticket is created for the call

    Examples: the console rings the agent's phone first
      | reaction          | status     | where          |
      | declines the call | rejected   | with her phone |
      | lets it ring      | unanswered | with her phone |

    @needs:desktop
    Examples: the console is the agent app's dialer
      | reaction          | status     | where            |
      | declines the call | rejected   | in the agent app |
      | lets it ring      | unanswered | in the agent app |

  @ZT-TKT-7 @ZT-TKT-10 @needs:tickets @needs:outbound
  Scenario Outline: An outbound call placed from an existing ticket adds its details to that ticket (<where>)
    Given the customer's phone is reached through the carrier
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    When the customer hangs up
    And "Alice" calls the customer back from "Support" on the ticket of that call <where>
    And the customer answers
    Then no new ticket is created: the call is in the ticket of the first call
    And the ticket says "Alice" placed the call and the customer answered it
    And the customer and "Alice" hear each other within 500 ms of the customer's answer

    Examples: the ticket's call rings the agent's phone first
      | where          |
      | with her phone |

    @needs:desktop
    Examples: the ticket's Call button in the agent app
      | where            |
      | in the agent app |

  @ZT-TKT-7 @needs:tickets @needs:outbound
  Scenario: An outbound call from a ticket that does not exist is refused and nothing is dialled
    Given the customer's phone is reached through the carrier
    When "Alice" calls the customer from "Support" on ticket "999999"
    Then the call is refused naming the ticket "999999" and nothing is dialled

  @ZT-TKT-2 @needs:tickets @needs:outbound @needs:desktop
  Scenario: A number that is not a phone number is refused in the agent app, naming it, and nothing is dialled
    Given the customer's phone is reached through the carrier
    When "Alice" dials "01 45 67 89" from "Support" in the agent app
    Then the agent app refuses the call naming "the number to call" and nothing is dialled

  @ZT-TKT-7 @needs:tickets @needs:outbound @needs:desktop
  Scenario: A ticket that no longer exists cannot be opened to call from in the agent app
    Given the customer's phone is reached through the carrier
    When "Alice" opens ticket "999999" in the agent app
    Then the agent app says ticket "999999" cannot be opened and nothing is dialled
