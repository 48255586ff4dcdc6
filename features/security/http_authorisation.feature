Feature: Every route of the HTTP API answers each kind of caller as its role allows
  Source: harness-level requirement H-SEC-4 (REQUIREMENTS.md, section H). The roles are those of
  seed 004 (monitoring live calls and chats): administrators; managers, whose team permissions
  reach only the teams assigned to them; supervisors, who monitor; agents; and custom roles, a
  base role with permissions added. The routes are read from the contact center's own route
  table, so a route added tomorrow is covered tomorrow; the expected answer of every route to
  every kind of caller is in one data file, fixtures/authorisation.yaml.

  @H-SEC-4 @needs:access
  Scenario: The authorisation table covers exactly the routes the API publishes
    When the routes are read from the contact center's own route table
    Then every published route is in the authorisation table, and the table lists no other route

  @H-SEC-4 @needs:access
  Scenario: Every route answers every kind of caller exactly as the authorisation table says
    Given a token for each role of the account, a custom role, an expired and a revoked token, and an administrator of another account
    When every published route is requested by every kind of caller
    Then every answer is the one the authorisation table gives
    And the requests that were refused changed nothing stored in the account
    And the administrator of the other account saw none of this account's data
    And the whole matrix took less than 10 seconds

  @H-SEC-4 @needs:access
  Scenario Outline: A request with <defect> gets a 4xx JSON error naming what was wrong, and changes nothing
    When every route is sent <defect> by a caller allowed to use it
    Then each answer is the expected 4xx status with a JSON error naming the culprit
    And nothing stored in the account changed

    Examples:
      | defect            |
      | malformed JSON    |
      | a wrong type      |
      | an unknown field  |
      | an oversized body |
      | a traversal       |
