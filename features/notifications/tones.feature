Feature: Incoming-call tones: built-in ones and uploaded MP3 files
  Source: seed 004_74c1cbcc28441707.txt (help-center article, French), "Paramètres des appels
  et des chats", notifications. The incoming-call tone is selectable, including an uploaded
  custom tone; custom tones are uploaded as .mp3, can be previewed, deleted or replaced, and
  stay available after a default tone is chosen. Reference choice: the built-in tones are
  Classic, Chime and Digital; the tone in use cannot be deleted until another is chosen.

  @CC-NTF-9 @CC-NTF-4 @needs:notifications
  Scenario: A custom tone is previewed, replaced, chosen, kept beside a default tone, then deleted
    Given the admin uploads an MP3 file as the tone "Jingle"
    Then the tone library lists "Jingle"
    And previewing the tone "Jingle" plays the file uploaded last
    When the admin replaces the tone "Jingle" with another MP3 file
    Then previewing the tone "Jingle" plays the file uploaded last
    When the admin chooses "Jingle" as the incoming-call tone, repeated every 4 seconds
    Then the incoming-call tone is "Jingle", repeated every 4 seconds
    When the admin chooses "Chime" as the incoming-call tone
    Then the incoming-call tone is "Chime"
    And the tone library lists "Jingle"
    And previewing the tone "Jingle" plays the file uploaded last
    When the admin deletes the tone "Jingle"
    Then the tone library no longer lists "Jingle"

  @CC-NTF-9 @needs:notifications
  Scenario: A file that is not an MP3 is refused, naming the problem, and nothing changes
    Given the admin uploads an MP3 file as the tone "Jingle"
    When the admin uploads a WAV file as the tone "Recorded bell"
    Then the upload is refused naming "not an MP3 file" and the library is unchanged
