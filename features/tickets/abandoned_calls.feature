Feature: Abandoned calls and omnichannel routing make tickets as the line says
  Source: seed 001_7595d3d888c238ca.txt (help-center article, French), "À propos des tickets
  créés à partir des appels": with omnichannel routing, a call entering the queue creates a
  ticket. Whether an abandoned call (in the queue, the IVR or voicemail) creates a ticket is a
  setting of the line; it is not available with omnichannel routing, which always creates a
  ticket for an abandoned call. The voicemail is the after-hours voicemail of seed 004: the
  IVR's queue "Billing" is closed.

  Background:
    Given agents "Alice" with SIP phones
    And a number "Support" in the account
    And "Alice" is in the Ring to widget of "Support"
    And a number "Help line" in the account
    And the IVR of "Help line" is:
      | queue   | parent | digit | agents |
      | Main    |        |       |        |
      | Billing | Main   | 1     | Alice  |
    And the queue "Billing" is open "mon-fri 09:00-17:00" in "Europe/Paris"
    And the account's clock reads "2026-03-02T21:00:00+01:00"
    And after-hours deflection of calls is on, to voicemail

  @ZT-TKT-5 @needs:tickets @needs:routing @needs:clock
  Scenario Outline: Without omnichannel routing, a call abandoned <where> makes a ticket only when the line's setting is on (<setting>)
    Given the line "<line>" makes tickets of abandoned calls: <setting>
    When the customer abandons a call to "<line>" <where>
    Then <outcome>

    Examples:
      | line      | where        | setting | outcome                           |
      | Support   | in the queue | on      | a ticket is created for the call  |
      | Support   | in the queue | off     | no ticket is created for the call |
      | Help line | in the IVR   | on      | a ticket is created for the call  |
      | Help line | in the IVR   | off     | no ticket is created for the call |
      | Help line | in voicemail | on      | a ticket is created for the call  |
      | Help line | in voicemail | off     | no ticket is created for the call |

  @ZT-TKT-6 @needs:tickets @needs:routing @needs:clock
  Scenario Outline: With omnichannel routing, a call abandoned <where> always makes a ticket
    Given the line "<line>" has omnichannel routing
    When the customer abandons a call to "<line>" <where>
    Then a ticket is created for the call

    Examples:
      | line      | where        |
      | Support   | in the queue |
      | Help line | in the IVR   |
      | Help line | in voicemail |

  @ZT-TKT-4 @needs:tickets @needs:routing @needs:clock
  Scenario: With omnichannel routing, a call entering the queue makes a ticket before anyone answers
    Given the line "Support" has omnichannel routing
    When a customer calls "Support"
    Then the phone of "Alice" rings
    And a ticket is created for the call
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the ticket says the customer placed the call and "Alice" answered it

  @ZT-TKT-6 @needs:tickets @needs:routing @needs:clock
  Scenario: With omnichannel routing the abandoned-call setting is not available
    Given the line "Support" has omnichannel routing
    When the admin sets the line "Support" to make no tickets of abandoned calls
    Then the setting is refused as not available with omnichannel routing, and the line "Support" is unchanged
