Feature: A voicemail becomes a ticket
  Source: seed 001_7595d3d888c238ca.txt (help-center article, French), "À propos des tickets
  créés à partir des appels": Talk creates a ticket when a caller leaves a voice message. The
  voicemail here is the after-hours voicemail of seed 004 (the IVR's queue is closed).

  Background:
    Given agents "Alice" with SIP phones
    And a number "Help line" in the account
    And the IVR of "Help line" is:
      | queue   | parent | digit | agents |
      | Main    |        |       |        |
      | Billing | Main   | 1     | Alice  |
    And the queue "Billing" is open "mon-fri 09:00-17:00" in "Europe/Paris"
    And the account's clock reads "2026-03-02T21:00:00+01:00"
    And after-hours deflection of calls is on, to voicemail

  @ZT-TKT-3 @ZT-TKT-8 @needs:tickets @needs:routing @needs:clock
  Scenario: A caller who leaves a voicemail gets a ticket holding it
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the customer hears the voicemail greeting
    And no ticket is created for the call yet
    When the customer leaves a 1-second message and hangs up
    Then a voicemail is kept for "Billing" holding the customer's 1-second message
    And a ticket is created for the call
    And the ticket holds the voicemail the customer left, and nobody answered the call
    And the ticket holds the customer's number as the calling number and the number of "Help line" as the called number
