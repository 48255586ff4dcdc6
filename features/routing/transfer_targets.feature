Feature: Which queues agents see as transfer targets after hours
  Source: seed 004_74c1cbcc28441707 (French), "Activer et configurer la déviation en dehors des
  heures de travail pour les appels" and "... pour les chats": with "allow transfers to
  after-hours queues" checked (for calls: with deflection on; for chats: with deflection off),
  agents see all queues within their hours, after-hours queues with deflection on, after-hours
  queues without deflection that have agents logged in, and after-hours queues with a 24/7
  virtual agent; never an after-hours queue whose virtual agent keeps to the queue's hours.
  An agent is logged in while her SIP phone is registered. Asked with the agent's own token.

  Background:
    Given agents "Alice" and "Bruno" with SIP phones
    And an agent "Chloé" in the account
    And the leaf queues of the account, in "Europe/Paris", are:
      | queue      | hours               | deflection | virtual agent | agents |
      | Open late  | mon-sun 08:00-23:00 | on         | none          |        |
      | Deflecting | mon-fri 09:00-17:00 | on         | none          |        |
      | Staffed    | mon-fri 09:00-17:00 | off        | none          | Bruno  |
      | Unstaffed  | mon-fri 09:00-17:00 | off        | none          | Chloé  |
      | Bot 24/7   | mon-fri 09:00-17:00 | off        | always        |        |
      | Bot hours  | mon-fri 09:00-17:00 | on         | queue hours   |        |
    And the account's clock reads "2026-03-02T20:00:00+01:00"

  @CC-AH-3 @needs:routing @needs:clock
  Scenario: Calls, deflection on, transfers to after-hours queues allowed
    Given after-hours deflection of calls is on, to a message only, with transfers to after-hours queues allowed
    Then "Alice" sees as call transfer targets exactly: Open late, Deflecting, Staffed, Bot 24/7

  @CC-AH-3 @needs:routing @needs:clock
  Scenario: Calls, deflection on, transfers to after-hours queues not allowed: only open queues
    Given after-hours deflection of calls is on, to a message only, with transfers to after-hours queues not allowed
    Then "Alice" sees as call transfer targets exactly: Open late

  @CC-AH-3 @needs:routing @needs:clock
  Scenario: Within everyone's hours every queue is a transfer target, whatever its virtual agent
    Given after-hours deflection of calls is on, to a message only, with transfers to after-hours queues allowed
    When the account's clock reads "2026-03-03T10:00:00+01:00"
    Then "Alice" sees as call transfer targets exactly: Open late, Deflecting, Staffed, Unstaffed, Bot 24/7, Bot hours

  @CC-AH-12 @needs:routing @needs:clock
  Scenario Outline: Chats follow the same rule when chat deflection is off and transfers are allowed
    Given after-hours deflection of chats is <deflection>, with transfers to after-hours queues <allowed>
    Then "Alice" sees as chat transfer targets exactly: <targets>

    Examples:
      | deflection | allowed     | targets                                   |
      | off        | allowed     | Open late, Deflecting, Staffed, Bot 24/7  |
      | off        | not allowed | Open late                                 |
      | on         | allowed     | Open late                                 |
