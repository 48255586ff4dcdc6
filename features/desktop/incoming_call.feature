Feature: An agent receives an incoming call in the agent app
  Source: seed 003_813017be6abeea97.txt (help-center article, Spanish), "Recibir llamada
  entrante". An incoming call rings the agent app with a pop-up naming the caller and the line;
  the agent accepts (green) or rejects (red) it, or opens the conversation. Where the seed speaks
  of the desktop app, the reference's desktop app is the same web app (in a Chromium app
  window); these scenarios drive it in Debian's Chromium, the agent's audio going over WebRTC.
  Notifications are seen and clicked through the harness's stand-in for the system's
  notification centre (headless Chromium shows them nowhere); headless Chromium also reports
  every page visible, so that the app is in a background tab is set up but not verified.
  In the desktop app, navigating away from the call (AC-IN-13) opens a detached toolbar window
  instead of the toolbar at the bottom left: it shows the caller, the line and the running time,
  with Mute, Hold, Hang up (and the insight card when a CRM sent one), acts on the call that stays
  in the app's main window (where the audio is), leads back to the call when clicked and closes
  when the call ends. Once it has closed there is no Hold left to click on the ended call; a
  window that outlives its call is refused by the main window (tests/integration).

  Background:
    Given a number "Support" in the account

  @AC-IN-2 @AC-IN-6 @needs:desktop
  Scenario: A call to the agent's number rings her app with the caller, the line and the actions
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then the agent app of "Alice" shows a ringing pop-up with the caller and the line
    And the pop-up of "Alice" offers to open the conversation, to accept in green and to reject in red
    And the pop-up of "Alice" shows no IVR branch
    When the customer hangs up

  @AC-IN-7 @AC-ANS-1 @needs:desktop
  Scenario: The agent accepts in the app and talks with the customer over WebRTC
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the agent app of "Alice" offers Mute, Hold, Transfer, Keypad and Hang up during the call
    When "Alice" hangs up in the agent app
    Then the call is logged as Answered by "Alice"

  @AC-IN-1 @needs:desktop
  Scenario: A call is offered to the agents assigned to the number and to no one else
    Given an agent "Alice" with a browser
    And an agent "Bruno" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then the agent app of "Alice" rings
    And the agent app of "Bruno" does not ring
    When the customer hangs up

  @AC-IN-1 @reference-choice @needs:desktop
  Scenario: A number with nobody assigned rings no agent app and the call is logged as Missed
    Given an agent "Alice" with a browser
    When a customer calls "Support"
    Then the agent app of "Alice" does not ring
    And the call is logged as Missed

  @AC-IN-6 @needs:desktop
  Scenario: The agent rejects the call with the red button; the timeline says she did not answer
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" rejects the call in the agent app
    Then the call timeline says that "Alice" did not answer
    And the call is logged as Missed

  @AC-IN-6 @needs:desktop
  Scenario: When the caller hangs up while the app rings, the pop-up goes and the app says so
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then the agent app of "Alice" rings
    When the customer hangs up
    Then the agent app of "Alice" says "the caller hung up"
    And the call is logged as Missed

  @AC-IN-2 @AC-IN-6 @needs:desktop
  Scenario: A call answered on one of the agent's browsers is shown as answered on the other
    Given an agent "Alice" with a browser
    And "Alice" is also signed in to the agent app on a second browser, "Alice's laptop"
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then the agent apps of "Alice" and "Alice's laptop" ring
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the agent app of "Alice's laptop" says "answered on another device"
    When the customer hangs up
    Then the call is logged as Answered by "Alice"

  @AC-IN-7 @needs:desktop
  Scenario: Holding the call in the app silences both ways until the agent takes it back
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" puts the call on hold
    Then the customer and "Alice" no longer hear each other within 1000 ms
    When "Alice" takes the call off hold
    Then the customer and "Alice" hear each other again within 500 ms
    When the customer hangs up
    Then the call is logged as Answered by "Alice"

  @AC-IN-7 @needs:desktop
  Scenario: Muting the microphone in the app stops the customer hearing the agent, not the reverse
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" mutes her microphone in the agent app
    Then the customer no longer hears "Alice" within 1000 ms, while "Alice" still hears the customer
    When the customer hangs up

  @AC-IN-13 @needs:desktop
  Scenario: Away from the call, the toolbar keeps it under control and leads back to it
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" goes to the Contacts view of the agent app
    Then the agent app of "Alice" shows the call toolbar at the bottom left with Mute, Hold and Hang up
    And the customer and "Alice" keep hearing each other for 1 seconds
    When "Alice" clicks the call toolbar to return to the call
    Then the agent app of "Alice" offers Mute, Hold and Hang up during the call
    When "Alice" hangs up in the agent app
    Then the call is logged as Answered by "Alice"

  @AC-IN-2 @AC-IN-3 @needs:desktop
  Scenario: With the app in a background tab, a browser notification rings and accepts the call
    Given an agent "Alice" with a browser
    And "Alice" has turned on browser notifications in the agent app
    And "Alice" has another tab in front of the agent app
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then "Alice" gets a browser notification of the call, naming the caller and the line
    When "Alice" accepts the call from the notification
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Alice"

  @AC-IN-6 @AC-IN-8 @AC-IN-9 @needs:desktop
  Scenario: Opening the conversation from the pop-up shows the customer, the line and the earlier call
    Given an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Alice"
    When a customer calls "Support"
    And "Alice" opens the conversation from the pop-up
    Then the conversation of "Alice" names the customer and the line, with its actions
    And the conversation of "Alice" lists 1 earlier voice call answered
    When the customer hangs up

  @AC-IN-14 @AC-IN-2 @needs:desktop
  Scenario: In the desktop app, clicking the notification brings up the app with the ringing pop-up
    Given an agent "Alice" with the desktop app
    And "Alice" has turned on browser notifications in the agent app
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then "Alice" gets a browser notification of the call, naming the caller and the line
    When "Alice" clicks the notification
    Then the call is not answered by the click of "Alice"
    And the agent app of "Alice" shows a ringing pop-up with the caller and the line
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Alice"

  @AC-IN-15 @AC-IN-9 @AC-IN-12 @needs:desktop @needs:plans
  Scenario Outline: What the conversation shows follows the plan: <plan> <ai> the AI add-on
    Given the account is on the <plan> plan <ai> the AI add-on
    And an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" opens the conversation from the pop-up
    Then the conversation of "Alice" <dialer> Add to Power Dialer
    And the conversation of "Alice" <ai_shown> AI context
    And the conversation of "Alice" shows Customer profile
    And the conversation of "Alice" shows Related conversations
    When the customer hangs up

    Examples:
      | plan         | ai      | dialer | ai_shown |
      | essentials   | without | lacks  | lacks    |
      | professional | with    | shows  | shows    |

  @AC-IN-3 @needs:desktop
  Scenario: The notification of a call whose caller hung up is withdrawn and the app says so
    Given an agent "Alice" with a browser
    And "Alice" has turned on browser notifications in the agent app
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then "Alice" gets a browser notification of the call, naming the caller and the line
    When the customer hangs up
    Then the notification of the call to "Alice" is withdrawn
    And the agent app of "Alice" says "the caller hung up"
    When "Alice" clicks the notification just as it is withdrawn
    Then the agent app of "Alice" says "this call has ended"
    And the call is logged as Missed

  @AC-IN-4 @needs:desktop @needs:routing
  Scenario: Through an IVR, the pop-up shows the last branch the caller chose with her details
    Given an agent "Alice" with a browser
    And the IVR of "Support" is:
      | queue   | parent | digit | agents |
      | Main    |        |       |        |
      | Sales   | Main   | 1     |        |
      | Billing | Sales  | 2     | Alice  |
    When a customer calls "Support" and the IVR answers
    And the customer keys "1"
    And the customer keys "2"
    Then the agent app of "Alice" shows a ringing pop-up with the caller and the line
    And the pop-up of "Alice" shows the IVR branch "Billing"
    When the customer hangs up

  @AC-IN-13 @needs:desktop
  Scenario: In the desktop app, away from the call, a detached toolbar window keeps it under control and leads back to it
    Given an agent "Alice" with the desktop app
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" goes to the Contacts view of the agent app
    Then the desktop app of "Alice" shows the call in a detached toolbar window with Mute, Hold and Hang up
    When "Alice" mutes her microphone in the detached toolbar window
    Then the customer no longer hears "Alice" within 1000 ms, while "Alice" still hears the customer
    When "Alice" clicks the detached toolbar window to return to the call
    Then the agent app of "Alice" offers Mute, Hold and Hang up during the call
    And the detached toolbar window of "Alice" has closed
    When "Alice" hangs up in the agent app
    Then the call is logged as Answered by "Alice"

  @AC-IN-13 @needs:desktop
  Scenario: In the desktop app, hanging up from the detached toolbar window ends the call and closes the window
    Given an agent "Alice" with the desktop app
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" goes to the Contacts view of the agent app
    Then the desktop app of "Alice" shows the call in a detached toolbar window with Mute, Hold and Hang up
    When "Alice" hangs up in the detached toolbar window
    Then the detached toolbar window of "Alice" has closed
    And the agent app of "Alice" says "Call ended: you hung up"
    And the call is logged as Answered by "Alice"

  @AC-IN-13 @needs:desktop
  Scenario: In the desktop app, once the caller hangs up the detached toolbar window closes and nothing can hold the call
    Given an agent "Alice" with the desktop app
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" goes to the Contacts view of the agent app
    Then the desktop app of "Alice" shows the call in a detached toolbar window with Mute, Hold and Hang up
    When the customer hangs up
    Then the detached toolbar window of "Alice" closes by itself, leaving no Hold to click on the ended call
    And the agent app of "Alice" says "Call ended"
    And the call is logged as Answered by "Alice"

  @AC-IN-5 @AC-IN-13 @needs:desktop @needs:conversations
  Scenario: In the desktop app, the caller's insight card is at hand in the detached toolbar window
    Given an agent "Alice" with the desktop app
    And "Alice" is in the Ring to widget of "Support"
    And the account's CRM knows the customer as "Marie Curie" of "Radium Ltd"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" goes to the Contacts view of the agent app
    Then the detached toolbar window of "Alice" opens the insight card of "Marie Curie"
    When the customer hangs up
