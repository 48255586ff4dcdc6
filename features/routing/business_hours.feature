Feature: Business hours globally and per queue, channel and language, with time zones and holidays
  Source: seed 004_74c1cbcc28441707 (French), "Déviation des appels et des chats en dehors des
  heures de travail": the hours are set for the whole help center and, as needed, per queue,
  channel and language; a customer is deflected by the hours of the queue, language or channel
  they chose or were routed to. The account's clock is set by the scenario: nobody waits for
  real hours. A queue's own hours come first, then its language, then its channel, then the
  global hours; a queue without hours of its own follows its parent menu's.

  Background:
    Given the business hours of the help center are "mon-fri 09:00-17:00" in "Europe/Paris"

  @CC-AH-1 @needs:routing @needs:clock
  Scenario Outline: The help center is open within its hours and closed outside them
    When the account's clock reads "<local time>"
    Then calls to the help center are <state>

    Examples:
      | local time                | state  |
      | 2026-03-02T09:00:30+01:00 | open   |
      | 2026-03-02T16:59:00+01:00 | open   |
      | 2026-03-02T17:00:30+01:00 | closed |
      | 2026-03-02T08:59:00+01:00 | closed |
      | 2026-03-07T10:00:00+01:00 | closed |

  @CC-AH-1 @needs:routing @needs:clock
  Scenario: A queue, a language and a channel follow their own hours before the global ones
    Given a queue "Night desk" open "mon-sun 18:00-24:00" in "Europe/Paris"
    And the language "de" is open "mon-fri 08:00-20:00" in "Europe/Berlin"
    And the channel "sms" is open "24/7" in "UTC"
    When the account's clock reads "2026-03-02T19:30:00+01:00"
    Then calls to the help center are closed
    And the queue "Night desk" is open by its own hours
    And calls in "de" are open by the language's hours
    And SMS are open by the channel's hours

  @CC-AH-1 @needs:routing @needs:clock
  Scenario: One instant, two time zones: within New York's hours, after Paris's (and New York's summer time)
    Given a queue "Paris" open "mon-fri 09:00-17:00" in "Europe/Paris"
    And a queue "New York" open "mon-fri 09:00-17:00" in "America/New_York"
    When the account's clock reads "2026-03-02T21:30:00Z"
    Then the queue "Paris" is closed by its own hours
    And the queue "New York" is open by its own hours
    When the account's clock reads "2026-03-02T13:30:00Z"
    Then the queue "New York" is closed by its own hours
    When the account's clock reads "2026-03-10T13:30:00Z"
    Then the queue "New York" is open by its own hours
    And the queue "Paris" is open by its own hours

  @CC-AH-1 @needs:routing @needs:clock
  Scenario: On a holiday the help center is closed all day, and a 24/7 queue stays open
    Given "2026-12-25" is a holiday of the help center
    And a queue "Emergencies" open "24/7" in "Europe/Paris"
    When the account's clock reads "2026-12-25T10:00:00+01:00"
    Then calls to the help center are closed
    And the queue "Emergencies" is open by its own hours
    When the account's clock reads "2026-12-24T10:00:00+01:00"
    Then calls to the help center are open

  @CC-AH-1 @needs:routing
  Scenario Outline: Bad hours are refused naming the problem, and the previous hours are kept
    When the admin sets the global hours to "<hours>" in "<time zone>"
    Then the change is refused saying "<words>"

    Examples:
      | hours                             | time zone     | words                        |
      | mon-fri 17:00-09:00               | Europe/Paris  | closes before it opens       |
      | mon 09:00-12:00+11:00-14:00       | Europe/Paris  | 09:00-12:00 and 11:00-14:00 overlap |
      | mon-fri 09:00-17:00               | Europe/Pariss | unknown time zone 'Europe/Pariss' |
      | mon-fri 09:00-25:00               | Europe/Paris  | no such time 25:00           |
