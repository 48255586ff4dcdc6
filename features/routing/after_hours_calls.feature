Feature: After-hours deflection of calls by the hours of the queue the caller chose
  Source: seed 004_74c1cbcc28441707 (French), "Déviation des appels et des chats en dehors des
  heures de travail", "Sélectionner les options de déviation des appels avec réponse vocale
  interactive": with deflection on for calls, a call received outside the business hours of
  the queue it reached is deflected to the selected option: a 24/7 or longer-hours queue, a
  phone number, voicemail, or a message only (the after-hours message, then the call ends).
  A leaf queue can override the option for its own calls. The account's clock is set by the
  scenario: nobody waits for the evening.

  Background:
    Given agents "Alice" and "Bruno" with SIP phones
    And a number "Help line" in the account
    And the IVR of "Help line" is:
      | queue      | parent | digit | agents |
      | Main       |        |       |        |
      | Billing    | Main   | 1     | Alice  |
      | Support    | Main   | 2     | Bruno  |
    And a queue "Night desk" open "24/7" in "Europe/Paris"
    And the queue "Billing" is open "mon-fri 09:00-17:00" in "Europe/Paris"
    And the queue "Support" is open "mon-sun 08:00-22:00" in "Europe/Paris"

  @CC-AH-1 @CC-AH-2 @CC-AH-19 @needs:routing @needs:clock
  Scenario Outline: A call to a queue <when> <outcome>
    Given after-hours deflection of calls is on, to a message only
    And the account's clock reads "<time>"
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then <what happens>

    Examples:
      | when                | outcome                              | time                      | what happens                            |
      | within its hours    | rings its agents                     | 2026-03-02T10:00:00+01:00 | the phone of "Alice" rings              |
      | after its hours     | gets the after-hours message         | 2026-03-02T19:30:00+01:00 | the customer hears the after-hours message |

  @CC-AH-1 @CC-AH-2 @needs:routing @needs:clock
  Scenario: Deflection follows the hours of the queue chosen, not those of another queue
    Given after-hours deflection of calls is on, to a message only
    And the account's clock reads "2026-03-02T19:30:00+01:00"
    When a customer calls "Help line" and the IVR answers
    And the customer keys "2"
    Then the phone of "Bruno" rings
    When "Bruno" answers the call
    Then the customer and "Bruno" hear each other

  @CC-AH-2 @CC-AH-19 @needs:routing @needs:clock
  Scenario: Message only: the configured after-hours message plays, then the call ends
    Given after-hours deflection of calls is on, to a message only
    And the after-hours message is "Billing has closed. Call us tomorrow."
    And the account's clock reads "2026-03-02T19:30:00+01:00"
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the customer hears the after-hours message
    And the contact center ends the call after the message
    And the call log shows the call deflected by the hours of "Billing"
    And the call log shows the IVR branch "Main > Billing"

  @CC-AH-2 @CC-AH-9 @needs:routing @needs:clock
  Scenario: Queue: after hours a 24/7 queue takes the call
    Given the queue "Night desk" has the agent "Bruno"
    And after-hours deflection of calls is on, to the queue "Night desk"
    And the account's clock reads "2026-03-07T11:00:00+01:00"
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the phone of "Bruno" rings
    And the phone of "Alice" does not ring
    When "Bruno" answers the call
    Then the customer and "Bruno" hear each other
    And the call log shows the call deflected by the hours of "Billing"

  @CC-AH-14 @CC-AH-19 @needs:routing @needs:clock
  Scenario: A queue's own override wins over the global option after its hours
    Given the queue "Night desk" has the agent "Bruno"
    And after-hours deflection of calls is on, to the queue "Night desk"
    And the queue "Billing" overrides after-hours calls with the message "Billing is closed on Saturdays."
    And the account's clock reads "2026-03-07T11:00:00+01:00"
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the customer hears the message of "Billing"
    And the contact center ends the call after the message
    And the phone of "Bruno" does not ring

  @CC-AH-2 @CC-AH-17 @needs:routing @needs:clock
  Scenario: Phone number: after hours the call is redirected to another number, with two-way audio
    Given a phone "Duty phone" outside the contact center, with a number of its own
    And after-hours deflection of calls is on, to the number of "Duty phone"
    And the account's clock reads "2026-03-02T19:30:00+01:00"
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the phone of "Duty phone" rings
    And the phone of "Alice" does not ring
    When "Duty phone" answers the call
    Then the customer and "Duty phone" hear each other
    And the call log shows the call deflected by the hours of "Billing"

  @CC-AH-2 @CC-AH-9 @CC-AH-17 @CC-AH-18 @CC-AH-19 @needs:routing @needs:clock
  Scenario Outline: After hours, the option selected for calls decides where the call goes: <option>
    Given the queue "Night desk" has the agent "Bruno"
    And a phone "Duty phone" outside the contact center, with a number of its own
    And after-hours deflection of calls is on, to <option>
    And the account's clock reads "2026-03-02T19:30:00+01:00"
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then <what happens>
    And the phone of "Alice" does not ring

    Examples:
      | option                       | what happens                             |
      | the queue "Night desk"       | the phone of "Bruno" rings               |
      | the number of "Duty phone"   | the phone of "Duty phone" rings          |
      | voicemail                    | the customer hears the voicemail greeting |
      | a message only               | the customer hears the after-hours message |
