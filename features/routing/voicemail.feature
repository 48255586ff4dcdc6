Feature: After hours a caller leaves a voicemail for the queue she chose
  Source: seed 004_74c1cbcc28441707 (French), "Sélectionner les options de déviation des appels
  avec réponse vocale interactive", option Messagerie vocale: the caller leaves a voice message;
  the agents assigned to the queue called when its hours had ended are notified; on a root
  queue with no assignment the voicemail is available in the CRM. The greeting and the
  voicemail prompts are configurable (Paramètres > Langues et messages). The recorded message
  must hold the caller's own voice (her signature), not merely some audio.

  Background:
    Given agents "Alice" and "Bruno" with SIP phones
    And a number "Help line" in the account
    And the IVR of "Help line" is:
      | queue   | parent | digit | agents       |
      | Main    |        |       |              |
      | Billing | Main   | 1     | Alice, Bruno |
    And the queue "Billing" is open "mon-fri 09:00-17:00" in "Europe/Paris"
    And the account's clock reads "2026-03-02T21:00:00+01:00"

  @CC-AH-18 @CC-AH-10 @needs:routing @needs:clock
  Scenario: The caller hears the configured greeting, leaves a message, and the queue's agents are notified
    Given after-hours deflection of calls is on, to voicemail
    And the voicemail greeting is "Billing is closed. Leave a message."
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the customer hears the voicemail greeting
    When the customer leaves a 1-second message and hangs up
    Then a voicemail is kept for "Billing" holding the customer's 1-second message
    And "Alice" and "Bruno" are notified of the voicemail

  @CC-AH-14 @CC-AH-18 @needs:routing @needs:clock
  Scenario: A queue's voicemail override plays its own greeting
    Given after-hours deflection of calls is on, to a message only
    And the queue "Billing" overrides after-hours calls with voicemail with the greeting "Billing voicemail, speak after the tone."
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the customer hears the message of "Billing"
    When the customer leaves a 1-second message and hangs up
    Then a voicemail is kept for "Billing" holding the customer's 1-second message

  @CC-AH-18 @needs:routing @needs:clock
  Scenario: On a root queue with no assignment the voicemail goes to the CRM
    Given a number "Direct line" in the account
    And the IVR of "Direct line" is:
      | queue     | parent | digit | agents |
      | Reception |        |       |        |
    And the queue "Reception" is open "mon-fri 09:00-17:00" in "Europe/Paris"
    And after-hours deflection of calls is on, to voicemail
    When a customer calls "Direct line" and the IVR answers
    Then the customer hears the voicemail greeting
    When the customer leaves a 1-second message and hangs up
    Then a voicemail is kept for "Reception" holding the customer's 1-second message
    And the voicemail is available in the CRM

  @CC-AH-10 @CC-AH-18 @needs:routing @needs:clock
  Scenario: A caller with a hidden number keys a number to call back, with the configured prompts
    Given after-hours deflection of calls is on, to voicemail
    And the voicemail prompt for a hidden number is "Your number is hidden."
    And the voicemail prompt asking for the number is "Key in your number, then hash."
    And the voicemail prompt once the number is entered is "Thank you."
    And the voicemail greeting is "Leave a message after the tone."
    When a customer with a hidden number calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the customer hears the voicemail prompt for a hidden number
    And the customer hears the voicemail prompt asking for the number
    When the customer keys "0612345678#"
    Then the customer hears the voicemail prompt once the number is entered
    And the customer hears the voicemail greeting
    When the customer leaves a 1-second message and hangs up
    Then a voicemail is kept for "Billing" holding the customer's 1-second message
    And the voicemail keeps "0612345678" as the number to call back
