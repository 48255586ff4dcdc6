Feature: What the contact center stored survives a crash
  Source: the harness's reliability requirement H-REL-1. The contact center is killed
  (SIGKILL: nothing of it runs afterwards) while a call rings, is in progress or has just ended,
  then started again on the same data. What it had committed is still there, unchanged; the
  call the crash cut ends with a clear status and a timeline entry instead of staying in
  progress for ever; the agents' SIP phones register again and a new call works at once.
  Each kind of stored record joins this family by adding a row to the Examples.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"

  @H-REL-1 @needs:lifecycle
  Scenario Outline: A <record> committed before a crash survives it, and a call <moment> at the crash ends cleanly
    Given a <record> committed before the crash
    And a customer's call to "Support" for "Alice" is <moment> when the contact center crashes
    When the contact center is killed and started again on the same data
    Then the <record> committed before the crash is there, unchanged
    And the call that was <moment> has ended with a clear status and a timeline entry
    And the SIP phones register again at once
    And a new call to "Support" rings "Alice" and has two-way audio

    Examples:
      | record         | moment      |
      | call-log entry | ringing     |
      | call-log entry | in progress |
      | call-log entry | just ended  |

    @needs:profiles
    Examples: end users (seed 001)
      | record           | moment     |
      | customer profile | ringing    |
      | call's requester | just ended |

    @needs:tickets @needs:recordings
    Examples: tickets made from calls (ZT-TKT) and their recordings
      | record         | moment      |
      | ticket         | in progress |
      | recording      | ringing     |
