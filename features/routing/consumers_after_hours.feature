Feature: After hours, consumers on the SDKs, the web chat and SMS are offered only what the help center chose
  Source: seed 004_74c1cbcc28441707 (French), "Déviation des appels et des chats en dehors des
  heures de travail": the options of the web and mobile SDKs after hours (scheduled call, email,
  phone number, voicemail), the chat's email deflection, and the per-queue overrides of the
  mobile and SMS channels (none for web). Customers are the harness's own consumer parties:
  a mobile app and a web chat speaking the consumer protocol, the web SDK page in Chromium, and
  an SMS gateway the contact center sends through. The account's clock is set: nobody waits
  for real hours. 2026-03-02 is a Monday; Paris is at UTC+01:00 then.

  Background:
    Given the business hours of the help center are "mon-fri 09:00-17:00" in "Europe/Paris"
    And a consumer queue "Billing" answered by "Alice" and "Bruno"
    And the help-center email address is "help@example.test"

  @CC-AH-4 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: The mobile SDK shows call and chat within hours, and only the selected options after hours
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "<selected>" after hours, "Call now" dialling "+33140000000"
    And scheduled calls are on for "mobile, web"
    When the account's clock reads "<local time>"
    And a customer opens the mobile SDK on the queue "Billing"
    Then the SDK shows "<shown>"

    Examples:
      | selected                                 | local time                | shown                                    |
      | scheduled_call, email, phone, voicemail  | 2026-03-02T10:00:00+01:00 | call, chat                               |
      | scheduled_call, email, phone, voicemail  | 2026-03-02T19:00:00+01:00 | scheduled_call, email, phone, voicemail  |
      | email                                    | 2026-03-02T19:00:00+01:00 | email                                    |
      | phone, voicemail                         | 2026-03-07T10:00:00+01:00 | phone, voicemail                         |

  @CC-AH-4 @needs:consumer @needs:routing @needs:clock
  Scenario: A mobile app left open switches to the after-hours options by itself when the queue closes
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "email" after hours
    When the account's clock reads "2026-03-02T16:59:00+01:00"
    And a customer keeps the mobile app open on the queue "Billing"
    Then the open app shows "call, chat"
    When the account's clock reads "2026-03-02T17:00:30+01:00"
    Then the open app shows "email" within 2 seconds, without asking
    When the admin changes the SDK options to "email, phone", "Call now" dialling "+33140000000"
    Then the open app shows "email, phone" within 2 seconds, without asking

  @CC-AH-4 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: Each queue's SDK follows that queue's own hours, not the help center's
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "email" after hours
    And a consumer queue "Night desk" answered by "Carla"
    And the consumer queue "Night desk" is open "mon-sun 18:00-24:00" in "Europe/Paris"
    When the account's clock reads "<local time>"
    And a customer opens the mobile SDK on the queue "<queue>"
    Then the SDK shows "<shown>"

    Examples:
      | queue      | local time                | shown      |
      | Night desk | 2026-03-02T19:00:00+01:00 | call, chat |
      | Billing    | 2026-03-02T19:00:00+01:00 | email      |
      | Night desk | 2026-03-02T10:00:00+01:00 | email      |
      | Billing    | 2026-03-02T10:00:00+01:00 | call, chat |

  @CC-AH-4 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: The SDKs follow the hours of the channel or language the customer chose
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "email" after hours
    And the channel "mobile" is open "mon-sun 07:00-22:00" in "Europe/Paris"
    And the language "de" is open "mon-fri 08:00-20:00" in "Europe/Berlin"
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the <channel> SDK on the queue "Billing"<in language>
    Then the SDK shows "<shown>"

    Examples:
      | channel | in language    | shown      |
      | mobile  |                | call, chat |
      | web     |                | email      |
      | web     | in "de"        | call, chat |

  @CC-AH-4 @CC-AH-7 @CC-AH-8 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: After hours each selected option shows on the SDKs that have it, phone and voicemail on mobile only
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "<option>" after hours, "Call now" dialling "+33140000000"
    And scheduled calls are on for "mobile, web"
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the <channel> SDK on the queue "Billing"
    Then the SDK shows "<shown>"

    Examples:
      | channel | option         | shown          |
      | mobile  | scheduled_call | scheduled_call |
      | web     | scheduled_call | scheduled_call |
      | mobile  | email          | email          |
      | web     | email          | email          |
      | mobile  | phone          | phone          |
      | web     | phone          | nothing        |
      | mobile  | voicemail      | voicemail      |
      | web     | voicemail      | nothing        |

  @CC-AH-4 @CC-AH-7 @CC-AH-8 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: The web SDK page shows call and chat within hours, and after hours only the selected options it has (no phone, no voicemail)
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "scheduled_call, email, phone, voicemail" after hours, "Call now" dialling "+33140000000"
    And scheduled calls are on for "mobile, web"
    When the account's clock reads "<local time>"
    And a customer opens the web SDK page on the queue "Billing"
    Then the SDK shows "<shown>"

    Examples:
      | local time                | shown                 |
      | 2026-03-02T10:00:00+01:00 | call, chat            |
      | 2026-03-02T19:00:00+01:00 | scheduled_call, email |

  @CC-AH-5 @needs:consumer @needs:routing @needs:clock
  Scenario: A scheduled call offers slots within the queue's own hours, and a slot outside them is refused
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "scheduled_call" after hours
    And scheduled calls are on for "mobile"
    And the consumer queue "Billing" is open "mon-fri 09:00-12:00" in "Europe/Paris"
    When the account's clock reads "2026-03-06T18:00:00+01:00"
    And a customer opens the mobile SDK on the queue "Billing"
    Then every scheduled-call slot lies within the hours of "Billing", the first at "2026-03-09T09:00:00+01:00"
    When the customer books the slot "2026-03-09T13:00:00+01:00"
    Then the booking is refused naming "slot", and nothing is booked
    When the customer books the first slot offered
    Then the contact center keeps the customer's scheduled call

  @CC-AH-5 @needs:consumer @needs:routing @needs:clock
  Scenario: A customer books a scheduled call on the web SDK page
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "scheduled_call" after hours
    And scheduled calls are on for "web"
    And the consumer queue "Billing" is open "mon-fri 09:00-12:00" in "Europe/Paris"
    When the account's clock reads "2026-03-06T18:00:00+01:00"
    And a customer opens the web SDK page on the queue "Billing"
    And the customer books the first slot offered on the page
    Then the page confirms the call, and the contact center keeps it within the hours of "Billing"

  @CC-AH-5 @needs:consumer @needs:routing @needs:clock
  Scenario: Slots follow the queue's own time zone (New York's afternoon is Paris's night) and skip the queue's holiday
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "scheduled_call" after hours
    And scheduled calls are on for "mobile"
    And the consumer queue "Billing" is open "mon-fri 09:00-17:00" in "America/New_York"
    And the consumer queue "Billing" is closed on the holiday "2026-03-03"
    When the account's clock reads "2026-03-02T23:30:00+01:00"
    And a customer opens the mobile SDK on the queue "Billing"
    Then every scheduled-call slot lies within the hours of "Billing", the first at "2026-03-04T09:00:00-05:00"

  @CC-AH-6 @needs:consumer @needs:routing @needs:clock
  Scenario: Email on mobile opens the mail app to the help-center address with the app version and device type
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "email" after hours
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the mobile SDK on the queue "Billing" with app version "4.2.1" on a "Pixel 8"
    Then the email option opens the mail app to "help@example.test" with "App version: 4.2.1" and "Device: Pixel 8" in the body

  @CC-AH-6 @needs:consumer @needs:routing @needs:clock
  Scenario: Email on the web SDK page asks the customer to write to the help-center address
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "email" after hours
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the web SDK page on the queue "Billing"
    Then the page asks the customer to write to "help@example.test"

  @CC-AH-7 @needs:consumer @needs:routing @needs:clock
  Scenario: The phone option shows "Call now" and the number the phone will dial
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "phone" after hours, "Call now" dialling "+33140000000"
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the mobile SDK on the queue "Billing"
    Then the phone option says "Call now" and dials "+33140000000"

  @CC-AH-8 @needs:consumer @needs:routing @needs:clock
  Scenario: A voicemail left on mobile goes to the agents of the queue, and to no one else
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "voicemail" after hours
    And a consumer queue "Sales" answered by "Carla"
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the mobile SDK on the queue "Billing"
    Then the voicemail option says "Leave a message to be called back"
    When the customer leaves the voicemail "Please call me back about my invoice"
    Then the voicemail is for "Alice" and "Bruno"

  @CC-AH-11 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: A chat started after hours is deflected to email, or gets the email in its body
    Given chats are deflected after hours, <email deflection>
    When the account's clock reads "<local time>"
    And a customer starts a web chat on the queue "Billing"
    Then the chat answers with <answer> saying "<words>"

    Examples:
      | email deflection      | local time                | answer         | words             |
      | with email deflection | 2026-03-02T19:00:00+01:00 | chat.deflected | help@example.test |
      | without email         | 2026-03-02T19:00:00+01:00 | chat.message   | help@example.test |
      | with email deflection | 2026-03-02T10:00:00+01:00 | chat.queued    | queued            |

  @CC-AH-11 @needs:consumer @needs:routing @needs:clock
  Scenario: The web SDK page's chat after hours shows the help-center email in its body
    Given chats are deflected after hours, without email
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the web SDK page on the queue "Billing"
    Then the page's chat shows "help@example.test"

  @CC-AH-13 @needs:consumer @needs:routing
  Scenario Outline: Per-queue overrides exist for mobile and SMS leaf queues, and a web override is refused
    When the admin sets a <channel> override on the queue "Billing"
    Then the override is <outcome>

    Examples:
      | channel | outcome                                                     |
      | mobile  | kept                                                        |
      | sms     | kept                                                        |
      | web     | refused saying "web has no per-queue after-hours override" |

  @CC-AH-15 @needs:consumer @needs:routing @needs:clock
  Scenario: A mobile override redirecting to a queue excludes every other option
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "email, phone" after hours, "Call now" dialling "+33140000000"
    And a consumer queue "Night desk" answered by "Carla"
    And the mobile override of "Billing" redirects to the queue "Night desk"
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the mobile SDK on the queue "Billing"
    Then the SDK shows "redirect"
    When the admin adds the option "email" to the redirect of "Billing" to "Night desk"
    Then the override change is refused saying "a queue redirect excludes every other option"

  @CC-AH-15 @needs:consumer @needs:routing @needs:clock
  Scenario: A mobile override's options replace the global ones; scheduled call needs scheduled calls on for mobile
    Given calls are deflected after hours in Settings > Call
    And the SDKs offer "email, phone" after hours, "Call now" dialling "+33140000000"
    And the mobile override of "Billing" offers "voicemail"
    When the admin adds the option "scheduled_call" to the mobile override of "Billing"
    Then the override change is refused saying "scheduled_call needs scheduled calls enabled for the mobile channel"
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer opens the mobile SDK on the queue "Billing"
    Then the SDK shows "voicemail"

  @CC-AH-16 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: A customer texting an SMS queue after hours gets the queue's own after-hours message
    Given the SMS of the account go to the queue "Billing"
    And the SMS override of "Billing" says "Closed now. We reply from 9:00, Monday to Friday."
    When the account's clock reads "<local time>"
    And a customer texts "Is my parcel lost?"
    Then <reply>

    Examples:
      | local time                | reply                                                                      |
      | 2026-03-02T19:00:00+01:00 | the customer gets the SMS "Closed now. We reply from 9:00, Monday to Friday." |
      | 2026-03-02T10:00:00+01:00 | the customer gets no SMS within 1 second                                   |

  @CC-AH-16 @needs:consumer @needs:routing @needs:clock
  Scenario Outline: An after-hours SMS the gateway does not take is logged as failed, with the reason
    Given the SMS of the account go to the queue "Billing"
    And the SMS override of "Billing" says "Closed now."
    And the SMS gateway <fault>
    When the account's clock reads "2026-03-02T19:00:00+01:00"
    And a customer texts "Anyone there?"
    Then the contact center logs its after-hours SMS to the customer as failed saying "<reason>"

    Examples:
      | fault                        | reason                         |
      | refuses every message        | the gateway answered 503       |
      | drops every connection       | the gateway could not be reached |
