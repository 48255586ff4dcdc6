Feature: The dashboard's Chats > Connected page: view a live chat, its details, end it
  Source: seed 004 (monitoring live calls and chats), REQUIREMENTS.md CC-MON-6, CC-MON-9,
  CC-MON-10 and CC-END-1 for chats. Chats > Connected lists the connected chats; Actions >
  View live chat opens the live chat view (the agent's name, the end user's unique ID, the
  issue, a link to the CRM record when a CRM is integrated, the messages), the X closes it;
  Actions > Chat details shows the session's data; Actions > End chat, Confirm, ends the chat
  and the customer is told. Watching tells neither the agent nor the customer.

  Background:
    Given a consumer queue "Support" answered by "Alice" and "Bruno"
    And "Alice" has the agent app open
    And an admin "Diane" is signed in to the dashboard

  @CC-MON-9 @CC-MON-10 @CC-MON-6 @needs:chats @needs:consumer @needs:dashboard
  Scenario: View live chat and Chat details from Chats > Connected, unseen by the agent and the customer
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    And the customer writes "My invoice is wrong"
    Then "Alice" reads "My invoice is wrong" in the chat
    When "Alice" writes "Let me check it"
    Then the customer reads "Let me check it" in the chat
    And Chats > Connected on the dashboard of "Diane" lists the chat
    When "Diane" views the live chat on the dashboard, then closes it with the X
    Then the dashboard's live chat view showed "Alice", the customer's unique ID, the issue "Support", no link to the CRM record and the messages "My invoice is wrong" and "Let me check it"
    And the chat details on the dashboard of "Diane" show the session of "Alice"
    And nothing reveals the watching to "Alice" or to the customer

  @CC-END-1 @needs:chats @needs:consumer @needs:dashboard
  Scenario: Actions > End chat, Confirm, on Chats > Connected ends the chat; the customer is told
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    And "Diane" ends the chat on the dashboard and confirms
    Then the chat has ended for "Alice" and the customer, ended by the supervisor
    And Chats > Connected on the dashboard of "Diane" does not list the chat
