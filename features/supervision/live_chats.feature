Feature: Chats reach agents, and supervisors watch and end them from Chats > Connected
  Source: seed 004 (monitoring live calls and chats), REQUIREMENTS.md CC-MON-6, CC-MON-9,
  CC-MON-10 and CC-END-1 for chats. A queued web chat is offered to the agents of its queue in
  their apps; the first to accept takes it and messages flow both ways until either side ends
  it. A supervisor lists the connected chats, opens the live chat view (the agent's name, the
  end user's unique ID, the issue, the CRM record when a CRM is integrated) without the agent
  or the customer being told, and may end the chat: the customer is told.

  Background:
    Given a consumer queue "Support" answered by "Alice" and "Bruno"
    And "Alice" has the agent app open
    And "Bruno" has the agent app open

  @CC-MON-9 @needs:chats @needs:consumer
  Scenario: A queued chat is offered, taken by one agent, and messages flow both ways
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    And "Bruno" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    Then the customer is told "Alice" joined the chat
    And "Bruno" is told the chat was taken
    When the customer writes "My invoice is wrong"
    Then "Alice" reads "My invoice is wrong" in the chat
    When "Alice" writes "Let me check it"
    Then the customer reads "Let me check it" in the chat
    When the customer ends the chat
    Then the chat has ended for "Alice" and the customer, ended by the consumer

  @CC-MON-9 @needs:chats @needs:consumer
  Scenario: When the agent's app goes away, her chat ends and the customer is told
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    And "Alice" closes the agent app
    Then the customer is told the chat ended because the agent left

  @CC-MON-6 @CC-MON-9 @CC-MON-10 @needs:chats @needs:consumer
  Scenario: Chats > Connected, View live chat: the agent, the end user, the issue and the messages, unseen
    Given an admin "Diane" watches chats
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    And the customer writes "My invoice is wrong"
    Then "Alice" reads "My invoice is wrong" in the chat
    When "Alice" writes "Let me check it"
    Then the customer reads "Let me check it" in the chat
    And Chats > Connected as "Diane" lists the chat
    When "Diane" views the live chat from Chats > Connected
    Then the live chat view shows "Alice", the customer's unique ID, the issue "Support" and no link to the CRM record
    And the chat details show the messages "My invoice is wrong" and "Let me check it"
    And nothing reveals the watching to "Alice" or to the customer

  @CC-MON-10 @needs:chats @needs:consumer @needs:conversations
  Scenario: With a CRM integrated, the live chat view links to the chat's CRM record
    Given the account writes its consumers' contacts and tickets into the harness's CRM
    And an admin "Diane" watches chats
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    And "Diane" views the live chat from Chats > Connected
    Then the live chat view shows "Alice", the customer's unique ID, the issue "Support" and a link to the CRM record

  @CC-END-1 @needs:chats @needs:consumer
  Scenario: Actions > End chat, Confirm, ends the chat and the customer is told
    Given an admin "Diane" watches chats
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    And "Diane" ends the chat from Chats > Connected and confirms
    Then the chat has ended for "Alice" and the customer, ended by the supervisor
    And Chats > Connected as "Diane" does not list the chat

  @CC-END-2 @needs:chats @needs:consumer
  Scenario: An agent may not end another agent's chat
    Given an agent "Erin" watches chats
    When a customer starts a chat on the queue "Support"
    Then "Alice" is offered the customer's chat within 1 s
    When "Alice" accepts the chat
    And "Erin" ends the chat from Chats > Connected and confirms
    Then the contact center refuses, and the chat goes on

  @CC-MON-10 @needs:chats @needs:consumer
  Scenario: The issue is the queue's menu path, root first
    Given a consumer queue "Billing" under the menu "Help", answered by "Carla"
    And "Carla" has the agent app open
    And an admin "Diane" watches chats
    When a customer starts a chat on the queue "Billing"
    Then "Carla" is offered the customer's chat within 1 s
    When "Carla" accepts the chat
    And "Diane" views the live chat from Chats > Connected
    Then the live chat view shows "Carla", the customer's unique ID, the issue "Help > Billing" and no link to the CRM record
