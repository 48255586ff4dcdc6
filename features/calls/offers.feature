Feature: Offers the service cannot use are refused before anyone rings
  Source: harness-level requirement H-SEC-3 (REQUIREMENTS.md, section H) and AC-ANS-2 (seed
  000_f09e4def4b68f75a.txt, "logged as Answered"), with the offer/answer model of RFC 3264 and the
  SDP syntax of RFC 4566. A customer's phone may offer media the contact center cannot use: an
  address that is no address, a transport it does not speak, no codec in common. Everything the
  answer depends on is checked before an agent's phone rings; what cannot be used is refused with
  488 Not Acceptable Here and a Warning naming the problem, and logged as refused with that reason;
  a stream that cannot be used beside one that can is rejected on its own (port 0) while the call
  goes through. The direction a customer offers (RFC 3264 section 6.1: sendonly, recvonly,
  inactive) is mirrored in the answer and obeyed by the media path: the audio it excludes never
  reaches her, or never leaves her, even though her phone keeps sending and listening.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"

  @H-SEC-3
  Scenario Outline: An offer whose <part> is "<value>" is refused with 488 and no phone rings
    When a customer calls "Support" with an offer whose <part> is "<value>"
    Then the customer's call is refused with 488 and a Warning <code> naming "<mention>"
    And no phone rang
    And the call log has the call as refused, with a reason naming "<mention>"

    Examples:
      | part            | value               | code | mention                  |
      | connection line | IN IP4 10.10.10.256 | 301  | 10.10.10.256             |
      | connection line | IN IP4 aaaa.invalid | 301  | aaaa.invalid             |
      | connection line | none                | 307  | no connection address    |
      | connection line | AF IP4 127.0.0.1    | 300  | network type 'AF'        |
      | connection line | IN IP7 127.0.0.1    | 301  | address type 'IP7'       |
      | transport       | RTP/SAVP            | 302  | RTP/SAVP                 |
      | transport       | RTP/XAVP            | 302  | RTP/XAVP                 |
      | transport       | TCP/WHATEVER        | 302  | TCP/WHATEVER             |
      | formats         | 96 opus/48000/2     | 305  | no codec in common       |
      | audio port      | 99999               | 307  | 99999                    |
      | rtcp attribute  | 70000               | 306  | a=rtcp:70000             |
      | media type      | video               | 304  | media type 'video'       |

  @H-SEC-3
  Scenario Outline: A first audio stream whose <part> is "<value>" is rejected and the usable one beside it answered
    When a customer calls "Support" with a first audio stream whose <part> is "<value>" and a usable second one
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the answer to the customer rejects the first stream with port 0 and accepts the second
    And the customer and "Alice" hear each other within 500 ms of the answer

    Examples:
      | part            | value               |
      | transport       | RTP/SAVP            |
      | formats         | 96 opus/48000/2     |
      | connection line | IN IP4 10.10.10.256 |

  @H-SEC-3
  Scenario Outline: An offer whose <part> is "<value>" is legal and connects the call
    When a customer calls "Support" with an offer whose <part> is "<value>"
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer

    Examples:
      | part            | value                      |
      | connection line | IN IP4 localhost           |
      | rtcp attribute  | 40001 IN IP4 127.0.0.1     |
      | formats         | 8                          |

  @H-SEC-3
  Scenario: The service keeps answering calls after refusing an offer
    When a customer calls "Support" with an offer whose connection line is "IN IP4 10.10.10.256"
    Then the customer's call is refused with 488 and a Warning 301 naming "10.10.10.256"
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer

  @AC-ANS-1
  Scenario Outline: The audio of a customer who offers <direction> flows only in the directions her offer allows
    When a customer calls "Support" offering <direction> audio
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the answer to the customer's offer says "<answer>"
    And for 2 seconds from the answer, "Alice" <agent hears> the customer and the customer <customer hears> "Alice"

    Examples:
      | direction | answer   | agent hears   | customer hears |
      | sendonly  | recvonly | hears         | does not hear  |
      | recvonly  | sendonly | does not hear | hears          |
      | inactive  | inactive | does not hear | does not hear  |

  @AC-ANS-2
  Scenario: A call whose customer was never connected is not logged as Answered
    When a customer whose phone never acknowledges an answer calls "Support"
    Then the phone of "Alice" rings
    When "Alice" answers the call
    And the customer hangs up as soon as the call is answered, without acknowledging it
    Then the call is logged as Missed, with an answer attempt by "Alice" that did not count

  @AC-ANS-1 @AC-ANS-2
  Scenario: A customer whose INVITE carries no offer (late offer) gets two-way audio
    When a customer calls "Support" with no offer in the INVITE
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Alice"
