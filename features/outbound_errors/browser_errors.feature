Feature: Outbound call errors that come from the agent's browser
  Source: seed 002_84e483a0322ada18.txt (help-center article, Vietnamese), "Các lỗi thường gặp
  khi thực hiện cuộc gọi": GET_USER_MEDIA_ERROR (the browser gives no microphone; follow the
  permission guide), FROM_NUMBER_NOT_FOUND and AGENT_FROM_NOT_FOUND when Google Translate is on
  in the browser (turn it off). The agent calls the customer from the agent app's dialer; the
  error shows in the app, nothing is dialled and no ticket is made; after the fix the same call
  goes through and the customer and the agent hear each other.

  How the harness plays these browsers. The microphone: the agent's browser asks before giving
  the microphone (Chromium without its fake permission prompt), and she has not allowed it, so
  every request is refused; following the permission guide grants the app's site the
  microphone. The translation: headless Chromium has no translation service, so the harness
  does to the page what Chrome's automatic translation does: it marks <html> "translated-ltr",
  wraps the page's text in <font> elements holding the translation (lists' entries rewritten in
  place) and goes on translating what the page writes; turning translation off puts the page
  back as the app wrote it. Which of the two codes a translated page gives is the reference's
  choice: a line whose name the translation rewrote is not found (FROM_NUMBER_NOT_FOUND); a
  page translated elsewhere loses the agent (AGENT_FROM_NOT_FOUND).

  Background:
    Given a number "Hotline" in the account
    And agents "Alice" with SIP phones
    And the customer's phone is reached through the carrier

  @SG-ERR-1 @needs:desktop @needs:outbound @needs:tickets
  Scenario: Without the microphone allowed the app shows GET_USER_MEDIA_ERROR; allowing it lets the call through
    Given "Alice" has not allowed the microphone in her browser
    When "Alice" tries to call the customer from "Hotline" in the agent app
    Then the agent app shows GET_USER_MEDIA_ERROR telling her to "allow this site to use the microphone", and nothing is dialled or stored
    When "Alice" allows the microphone following the permission guide
    And "Alice" calls the customer from "Hotline" in the agent app
    And the customer answers
    Then the customer and "Alice" hear each other within 500 ms of the customer's answer

  @SG-ERR-6 @reference-choice @needs:desktop @needs:outbound @needs:tickets
  Scenario: A translation that renames the line gives FROM_NUMBER_NOT_FOUND; turning it off lets the call through
    Given "Alice" has automatic page translation on in her browser, which translates "Hotline" as "Đường dây nóng"
    When "Alice" tries to call the customer from "Hotline" in the agent app
    Then the agent app shows FROM_NUMBER_NOT_FOUND telling her to "turn it off", and nothing is dialled or stored
    When "Alice" turns automatic page translation off
    And "Alice" calls the customer from "Hotline" in the agent app
    And the customer answers
    Then the customer and "Alice" hear each other within 500 ms of the customer's answer

  @SG-ERR-14 @reference-choice @needs:desktop @needs:outbound @needs:tickets
  Scenario: A translation that keeps the line's name gives AGENT_FROM_NOT_FOUND; turning it off lets the call through
    Given "Alice" has automatic page translation on in her browser, which translates "Available" as "Sẵn sàng"
    When "Alice" tries to call the customer from "Hotline" in the agent app
    Then the agent app shows AGENT_FROM_NOT_FOUND telling her to "turn it off", and nothing is dialled or stored
    When "Alice" turns automatic page translation off
    And "Alice" calls the customer from "Hotline" in the agent app
    And the customer answers
    Then the customer and "Alice" hear each other within 500 ms of the customer's answer
