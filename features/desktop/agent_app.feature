Feature: An agent signs in to the agent app in a real browser and sets her availability
  Source: issue 12, first slice. The reference serves its agent app from its own HTTP server;
  the harness drives it in Debian's Chromium. Agents sign in with a token of the API. No
  requirement ID of REQUIREMENTS.md covers sign-in or availability on its own (AC-IN-1 is about
  numbers and assignments), so the first two carry none yet; the refused sign-in is H-SEC-4
  (an endpoint refuses a request it cannot authenticate) as a user meets it.

  @needs:desktop
  Scenario: An agent signs in and sees her own name
    Given an agent "Alice" in the account
    When "Alice" signs in to the agent app
    Then the agent app shows "Alice" signed in under her name
    And the agent app of "Alice" shows her available

  @needs:desktop
  Scenario: An agent sets herself away and the contact center reports her away
    Given an agent "Alice" in the account
    And "Alice" is signed in to the agent app
    When "Alice" sets herself away in the agent app
    Then the agent app of "Alice" shows her away
    And the contact center reports "Alice" away

  @H-SEC-4 @needs:desktop
  Scenario: A wrong token is refused with a message on the page
    Given an agent "Alice" in the account
    When "Alice" signs in to the agent app with a wrong token
    Then the agent app of "Alice" refuses the sign-in saying "invalid token"

  @H-SEC-4 @needs:desktop @needs:clock @needs:access
  Scenario: An expired session is refused with a message on the page and changes nothing
    Given an agent "Alice" in the account
    And "Alice" is signed in to the agent app with a session of 60 seconds
    When 120 seconds pass on the contact center's clock
    Then "Alice" cannot set herself away in the agent app, which says "expired"
    And the contact center reports "Alice" available
