Feature: Queues as a tree with IVR menus navigated by DTMF, and deflection by the chosen queue's hours
  Source: seed 004_74c1cbcc28441707 (French), "Déviation des appels et des chats en dehors des
  heures de travail": calls are deflected by the hours of the queue the customer chose or was
  routed to. A number enters a tree of queues: each menu plays its prompt (real audio, matched
  by the customer against the prompts the contact center renders), a key picks an entry, a
  leaf queue rings its agents. The branch chosen last is on the call log entry.

  Background:
    Given agents "Alice" and "Bruno" with SIP phones
    And a number "Help line" in the account
    And the IVR of "Help line" is:
      | queue   | parent | digit | agents |
      | Main    |        |       |        |
      | Sales   | Main   | 1     |        |
      | Billing | Sales  | 1     | Alice  |
      | Refunds | Sales  | 2     | Bruno  |
      | Support | Main   | 2     | Bruno  |

  @CC-AH-1 @needs:routing
  Scenario Outline: Two menu levels by DTMF lead to the leaf queue, which rings its agent
    When a customer calls "Help line" and the IVR answers
    Then the customer hears the menu of "Main"
    When the customer keys "1" as <keying>
    Then the customer hears the menu of "Sales"
    When the customer keys "1" as <keying>
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the customer and "Alice" hear each other
    And the call log shows the IVR branch "Main > Sales > Billing"

    Examples:
      | keying          |
      | RFC 4733 events |
      | in-band tones   |
