Feature: Call recordings stored in the CRM
  Source: seed 004_74c1cbcc28441707.txt (Contact Center AI Platform, French), "Enregistrement
  des appels : stockage des données". Once the call ends, its recording is uploaded to the CRM,
  then deleted from the origin server. Deletion is delayed only when the CRM did not acknowledge
  the upload, its API limit was reached or the file is too large; the upload is then retried
  with exponential backoff. A recording is kept 7 days at most. A recording over 50 MB is split
  into smaller files attached to the CRM ticket in order, as separate recordings. While retained,
  a recording is reachable only with MFA authentication and authenticated CRM keys, and never by
  the carrier (the reference gives the carrier no credential of its HTTP API at all: it meets
  the carrier over SIP only, so no scenario can hand the carrier a key to try).

  Background:
    Given a number "Support" in the account
    And agents "Alice" with SIP phones
    And "Alice" is in the Ring to widget of "Support"
    And calls are recorded

  @CC-REC-1 @needs:tickets @needs:recordings @needs:crm_recordings
  Scenario: When the call ends, its recording goes to the call's CRM ticket and leaves the contact center
    Given recordings are kept in the CRM
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the customer and "Alice" keep hearing each other for 1 seconds
    When the customer hangs up
    Then the CRM ticket of the call holds the recording with the audio of the customer and "Alice"
    And the recording is deleted from the contact center: "Alice" cannot play it

  @CC-REC-2 @CC-REC-3 @needs:tickets @needs:recordings @needs:crm_recordings @needs:clock
  Scenario Outline: When the CRM <fault>, the recording stays and the upload is retried after 1, then 2 minutes
    Given recordings are kept in the CRM
    And the CRM <fault>
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the customer and "Alice" keep hearing each other for 1 seconds
    When the customer hangs up
    Then the CRM refuses the upload; the contact center keeps the recording, saying "<reason>"
    And the upload is tried again 1 minute after the last try on the contact center's clock, not sooner
    When the CRM takes uploads again
    Then the upload is tried again 2 minutes after the last try on the contact center's clock, not sooner
    And the CRM ticket of the call holds the recording with the audio of the customer and "Alice"
    And the recording is deleted from the contact center: "Alice" cannot play it

    Examples:
      | fault                                        | reason                    |
      | does not acknowledge uploads                 | did not acknowledge       |
      | answers uploads with 429 (API limit reached) | API limit was reached     |
      | answers uploads with 413 (file too large)    | too large for the CRM     |

  @CC-REC-4 @needs:tickets @needs:recordings @needs:crm_recordings @needs:clock
  Scenario: A recording the CRM never takes is deleted from the contact center after 7 days
    Given recordings are kept in the CRM
    And the CRM answers uploads with 429 (API limit reached)
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the CRM refuses the upload; the contact center keeps the recording, saying "API limit"
    When 6 days pass on the contact center's clock
    Then the recording is still in the contact center, waiting for the CRM
    When 1 day passes on the contact center's clock
    Then the recording is deleted from the contact center unsent, its ticket saying so

  @CC-REC-6 @needs:tickets @needs:recordings @needs:crm_recordings
  Scenario: A recording larger than the part size goes to the CRM ticket as parts in order that join back into it
    Given recordings are kept in the CRM in parts of 16000 bytes
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the customer and "Alice" keep hearing each other for 2 seconds
    When the customer hangs up
    Then the CRM ticket of the call holds the recording as parts of 16000 bytes in order, at least 3, which joined give back the recording with the audio of the customer and "Alice"
    And the recording is deleted from the contact center: "Alice" cannot play it

  @CC-REC-5 @needs:tickets @needs:recordings @needs:crm_recordings @needs:recording_access
  Scenario: While retained, the recording is reachable only with MFA and an authenticated CRM key
    Given an administrator "Maria"
    And recordings are kept in the CRM
    And the CRM answers uploads with 429 (API limit reached)
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the customer and "Alice" keep hearing each other for 1 seconds
    When the customer hangs up
    Then the CRM refuses the upload; the contact center keeps the recording, saying "API limit"
    And the retained recording's ordinary link is refused to "Maria"
    And the retained recording is refused to the account's API key, even with a CRM key
    And the retained recording is refused to "Maria" without MFA, even with a CRM key
    And the retained recording is refused to "Maria" with MFA but without a CRM key
    And "Maria", with MFA and an authenticated CRM key, gets the retained recording with the audio of the customer and "Alice"
