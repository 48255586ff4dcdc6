Feature: Smart actions: the agent asks a mobile-SDK consumer for an identity check, photos, a screenshot, videos, text or a redact
  Source: seed 004_74c1cbcc28441707 (French), "Actions intelligentes": during a mobile-SDK call
  the agent can verify identity (fingerprint or the device's unlock code), request photos (up to
  four, the consumer granting camera or photo access), a screenshot, videos, text input, and
  redact when that option is enabled; a chat has the identity check, photos, screenshot and
  videos; in a web-SDK chat the consumer attaches .png, .jpg and .mp4 files with the paperclip;
  what the consumer captures reaches the agent at once.
  Consumers are the harness's own SDK parties: the request reaches the app on its session
  WebSocket and the app answers with the files' real bytes.

  Background:
    Given a consumer queue "Support" answered by "Alice"

  @CC-SA-2 @CC-SA-5 @needs:consumer @needs:smart_actions @needs:routing
  Scenario: During a mobile chat the consumer sends the four photos the agent asked for, and the agent has them at once
    Given "Zoé" is in a mobile-SDK chat of "Support"
    When "Alice" requests 4 photos from "Zoé" during the chat
    Then the app of "Zoé" is asked for 4 photos
    When "Zoé" grants access and sends 4 png files
    Then "Alice" has the answer "granted" of "Zoé" at once

  @CC-SA-2 @CC-SA-5 @needs:consumer @needs:smart_actions @needs:routing
  Scenario Outline: During a mobile chat the consumer sends <what>, and the agent has it at once
    Given "Zoé" is in a mobile-SDK chat of "Support"
    When "Alice" requests <what> from "Zoé" during the chat
    Then the app of "Zoé" is asked for <what>
    When "Zoé" grants access and sends <count> <content> files
    Then "Alice" has the answer "granted" of "Zoé" at once

    Examples:
      | what         | count | content |
      | a screenshot | 1     | png     |
      | 2 videos     | 2     | mp4     |

  @CC-SA-1 @CC-SA-2 @needs:consumer @needs:smart_actions @needs:routing
  Scenario Outline: The consumer verifies her identity by <method>
    Given "Zoé" is in a mobile-SDK <during> of "Support"
    When "Alice" requests an identity check from "Zoé" during the <during>
    Then the app of "Zoé" is asked for an identity check
    When "Zoé" is verified by <method>
    Then "Alice" has the answer "verified" of "Zoé" at once, with method "<method>"

    Examples:
      | during | method      |
      | call   | fingerprint |
      | chat   | unlock code |

  @CC-SA-1 @needs:consumer @needs:smart_actions @needs:routing
  Scenario: A consumer who refuses camera and photo access answers "denied", and the agent gets no photo
    Given "Zoé" is in a mobile-SDK call of "Support"
    When "Alice" requests 2 photos from "Zoé" during the call
    Then the app of "Zoé" is asked for 2 photos
    When "Zoé" refuses access to the camera and photos
    Then "Alice" has the answer "denied" of "Zoé" at once

  @CC-SA-1 @CC-SA-5 @needs:consumer @needs:smart_actions @needs:routing
  Scenario: During a mobile call the consumer enters the text the agent asked for
    Given "Zoé" is in a mobile-SDK call of "Support"
    When "Alice" requests text input from "Zoé" during the call
    Then the app of "Zoé" is asked for text input
    When "Zoé" enters the text "12 rue des Lilas, 75011 Paris"
    Then "Alice" has the answer "entered" of "Zoé" at once, with text "12 rue des Lilas, 75011 Paris"

  @CC-SA-1 @CC-SA-2 @needs:consumer @needs:smart_actions @needs:routing
  Scenario Outline: A request the rules do not allow is refused, naming why, and never reaches the app
    Given "Zoé" is in a mobile-SDK <during> of "Support"
    When "Alice" requests <what> from "Zoé" during the <during>
    Then the request is refused naming "<words>", and the app of "Zoé" is not asked

    Examples:
      | what       | during | words                           |
      | 5 photos   | chat   | at most 4 photos                |
      | text input | chat   | text_input is not available in a chat |
      | a redact   | chat   | redact is not available in a chat     |
      | a redact   | call   | redact is not enabled           |

  @CC-SA-1 @needs:consumer @needs:smart_actions @needs:routing
  Scenario Outline: An answer that is not what was asked for is refused, and the agent still waits for the right one
    Given "Zoé" is in a mobile-SDK call of "Support"
    When "Alice" requests 2 photos from "Zoé" during the call
    Then the app of "Zoé" is asked for 2 photos
    When "Zoé" tries to send <count> <content> files
    Then the answer is refused naming "<words>", and "Zoé" is still asked

    Examples:
      | count | content | words                     |
      | 3     | png     | at most 2 item(s)         |
      | 1     | gif     | is not image/png or image/jpeg |

  @CC-SA-3 @reference-choice @needs:consumer @needs:smart_actions @needs:routing
  Scenario Outline: In a web chat the paperclip takes .png, .jpg and .mp4 files
    Given "Zoé" is in a web-SDK chat of "Support"
    When "Zoé" attaches "<file>" holding <content> with the paperclip
    Then the agent has "<file>" from "Zoé", byte for byte

    Examples:
      | file        | content |
      | receipt.png | png     |
      | parcel.jpg  | jpeg    |
      | unboxing.mp4 | mp4    |

  @CC-SA-3 @reference-choice @needs:consumer @needs:smart_actions @needs:routing
  Scenario Outline: In a web chat the paperclip refuses other files, naming their type, judged by content as well as by name
    Given "Zoé" is in a web-SDK chat of "Support"
    When "Zoé" attaches "receipt.png" holding png with the paperclip
    And "Zoé" attaches "<file>" holding <content> with the paperclip
    Then the file is refused naming "<words>", and the agent has nothing new from "Zoé"

    Examples:
      | file        | content | words                     |
      | funny.gif   | gif     | type .gif is not accepted |
      | notes.txt   | text    | type .txt is not accepted |
      | renamed.png | gif     | content is not .png       |
      | fake.mp4    | jpeg    | content is not .mp4       |

  @CC-SA-4 @CC-SA-1 @needs:consumer @needs:smart_actions @needs:routing @needs:tickets @needs:recordings
  Scenario: Redact pauses the call's recording while the customer speaks her card number, and the call goes on
    Given a number "Hotline" in the account
    And agents "Bob" with SIP phones
    And "Bob" is in the Ring to widget of "Hotline"
    And calls are recorded
    And redact is enabled for the account
    And "Zoé" is in a mobile-SDK call of "Support"
    When a customer calls "Hotline"
    And "Bob" answers the call
    Then the customer and "Bob" hear each other within 500 ms of the answer
    And the customer and "Bob" keep hearing each other for 1 seconds
    When "Bob" starts a redact on the call, from the session of "Zoé"
    Then the customer and "Bob" keep hearing each other for 2 seconds
    When "Bob" ends the redact of "Zoé"
    Then the customer and "Bob" keep hearing each other for 1 seconds
    When the customer hangs up
    Then the recording of the call, played by "Bob", is silent for as long as the redact lasted, with the customer and "Bob" heard before and after it

  @CC-SA-4 @needs:consumer @needs:smart_actions @needs:routing
  Scenario: A redact on a call that is not in progress is refused, naming the call
    Given redact is enabled for the account
    And "Zoé" is in a mobile-SDK call of "Support"
    When "Alice" requests a redact for the call "CALL-0000000000" from "Zoé"
    Then the request is refused naming "is not in progress", and the app of "Zoé" is not asked

  @CC-SA-2 @reference-choice @needs:consumer @needs:smart_actions @needs:routing
  Scenario: A web-SDK chat takes no smart action: they are the mobile SDK's
    Given "Zoé" is in a web-SDK chat of "Support"
    When "Alice" requests 2 photos from "Zoé" during the chat
    Then the request is refused naming "need a mobile-SDK session", and the app of "Zoé" is not asked

  @CC-SA-1 @CC-SA-5 @needs:consumer @needs:smart_actions @needs:routing
  Scenario: A request is answered once: a second answer is refused and the agent keeps the first
    Given "Zoé" is in a mobile-SDK call of "Support"
    When "Alice" requests 2 photos from "Zoé" during the call
    Then the app of "Zoé" is asked for 2 photos
    When "Zoé" grants access and sends 2 png files
    Then "Alice" has the answer "granted" of "Zoé" at once
    When "Zoé" tries to send 1 png file
    Then the answer is refused naming "already answered", and the agent keeps the first answer of "Zoé"
