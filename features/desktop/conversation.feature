Feature: The conversation in the agent app: every channel, the system log, and texting the customer
  Source: seed 003_813017be6abeea97.txt (help-center article, Spanish), "Recibir llamada
  entrante": the call's context is a conversation holding the history across channels (voice,
  SMS/MMS) with system log entries that trace the agent's actions, and a footer for digital
  interactions by SMS/MMS when the line is eligible. Customers text through the harness's own
  SMS gateway (a real HTTP server on loopback); what the agent texts is read where a carrier
  would see it, at that gateway. Which lines may text is a setting of the line.

  Background:
    Given a number "Support" in the account
    And an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"

  @AC-IN-8 @AC-IN-10 @AC-IN-11 @needs:desktop @needs:consumer @needs:conversations
  Scenario: The customer's MMS, the call and the agent's reply are one conversation, with the log of her actions
    Given "Support" is a line eligible for SMS, through the harness's SMS gateway
    And the customer has texted "Support" "Here is my receipt" with a picture
    When a customer calls "Support"
    And "Alice" opens the conversation from the pop-up
    Then the conversation of "Alice" has the customer's MMS "Here is my receipt" with its picture
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" puts the call on hold
    And "Alice" takes the call off hold
    And "Alice" texts "Thanks, we got it" from the conversation
    Then the SMS gateway receives "Thanks, we got it" from "Support" to the customer
    And the conversation of "Alice" has her SMS "Thanks, we got it"
    When the customer texts "Support" "One more question"
    Then the conversation of "Alice" has the customer's SMS "One more question"
    And the system log of the conversation of "Alice" says she answered, held and resumed
    When "Alice" hangs up in the agent app
    Then the call is logged as Answered by "Alice"

  @AC-IN-11 @AC-IN-15 @needs:desktop @needs:consumer @needs:conversations
  Scenario: On a line not eligible for SMS the conversation has no composer, and says why
    Given "Support" is a line not eligible for SMS, through the harness's SMS gateway
    And the customer has texted "Support" "Are you open on Sunday?"
    When a customer calls "Support"
    And "Alice" opens the conversation from the pop-up
    Then the conversation of "Alice" has the customer's SMS "Are you open on Sunday?"
    And the conversation of "Alice" does not offer an SMS composer
    When the customer hangs up

  @AC-IN-11 @needs:desktop @needs:consumer @needs:conversations
  Scenario: A text from a line that stopped being eligible is refused: nothing sent, nothing stored
    Given "Support" is a line eligible for SMS, through the harness's SMS gateway
    When a customer calls "Support"
    And "Alice" opens the conversation from the pop-up
    Then the conversation of "Alice" offers an SMS composer
    When "Support" is made not eligible for SMS
    Then "Alice" cannot text "Are you still there?" from the conversation, which says "is not eligible for SMS"
    When the customer hangs up

  @AC-IN-5 @AC-IN-13 @needs:desktop @needs:conversations
  Scenario: With a CRM configured, the caller's insight card rings with the call and stays at hand in the toolbar
    Given the account's CRM knows the customer as "Marie Curie" of "Radium Ltd"
    When a customer calls "Support"
    Then the pop-up of "Alice" shows the insight card of "Marie Curie" of "Radium Ltd"
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" goes to the Contacts view of the agent app
    Then the call toolbar of "Alice" opens the insight card of "Marie Curie"
    When the customer hangs up

  @AC-IN-5 @needs:desktop @needs:conversations
  Scenario: Without a CRM configured the pop-up has no insight card
    When a customer calls "Support"
    Then the agent app of "Alice" shows a ringing pop-up with the caller and the line
    And the pop-up of "Alice" shows no insight card
    When the customer hangs up

  @AC-IN-5 @needs:desktop @needs:conversations
  Scenario Outline: A CRM that is <state> does not hold the call up: it rings without a card, saying why
    Given the account's CRM is <state>
    When a customer calls "Support"
    Then the agent app of "Alice" shows a ringing pop-up with the caller and the line
    And the pop-up of "Alice" shows no insight card, saying "<why>"
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up

    Examples:
      | state | why                                  |
      | slow  | The CRM did not answer within 0.5 s  |
      | down  | The CRM could not be reached         |

  @AC-IN-5 @needs:desktop @needs:conversations
  Scenario: A CRM that is not on this machine is refused and the settings stay as they were
    Given the account's CRM knows the customer as "Marie Curie" of "Radium Ltd"
    When the admin points the account's CRM at "http://crm.example.com/api"
    Then the CRM setting is refused saying "loopback", nothing changed
