"""Word lists and phrasings the seeded data is drawn from: names, personas, reasoning texts.

Plain data, no logic (see :mod:`.catalogue` for the scenarios themselves).
"""

from __future__ import annotations

FIRST_NAMES = (
    "Ava",
    "Liam",
    "Maya",
    "Noah",
    "Priya",
    "Mateo",
    "Chloe",
    "Omar",
    "Hannah",
    "Kenji",
    "Sofia",
    "Ethan",
    "Amara",
    "Lucas",
    "Grace",
    "Diego",
    "Leah",
    "Ravi",
    "Zoe",
    "Samuel",
)
LAST_NAMES = (
    "Johnson",
    "Nguyen",
    "Patel",
    "Garcia",
    "Okafor",
    "Kim",
    "Müller",
    "Rossi",
    "Smith",
    "Haddad",
    "Kowalski",
    "Tanaka",
    "O'Brien",
    "Silva",
    "Larsen",
    "Cohen",
    "Dubois",
    "Ali",
)
PERSONAS = (
    "impatient commuter calling from a noisy train platform",
    "elderly caller who speaks slowly and asks for things to be repeated",
    "non-native English speaker with a strong accent",
    "polite caller who gives all details up front",
    "frustrated caller who interrupts often",
    "caller on speakerphone in a car with road noise",
    "caller who changes their mind halfway through",
    "terse caller who answers in single words",
)
LANGUAGES = ("en-US", "en-US", "en-US", "en-GB", "es-US", "en-IN")
NOISES = ("none", "none", "cafe", "street", "office", "car")
AIRPORTS = ("SFO", "JFK", "ORD", "SEA", "AUS", "BOS", "DEN", "ATL", "LAX", "MIA")
STREETS = ("Maple Ave", "Oak St", "Pine Rd", "Cedar Ln", "Harbor Blvd", "Elm Ct", "Main St")

SENTIMENT_LABELS = ("positive", "neutral", "negative", "mixed")
HALLUCINATION_OK = (
    "Every statement is supported by the tool outputs; no invented prices, times or policies.",
    "None detected. Unsure about the fee policy, the agent offered to check instead of guessing.",
    "All dates and amounts read back match the tool responses exactly.",
)
HALLUCINATION_BAD = (
    "The agent stated a policy that is not in the knowledge base.",
    "The agent quoted an amount that appears in no tool response.",
)
REDUNDANCY_OK = (
    "Each piece of information was asked for once.",
    "No redundant questions; the single read-back at the end is expected by the script.",
)
REDUNDANCY_BAD = (
    "The agent asked for the date of birth twice although the lookup had already confirmed it.",
    "The agent repeated the full confirmation three times.",
)
PRONUNCIATION_GOOD = (
    "Names and numbers were pronounced clearly; the confirmation code was read in groups of "
    "three, which the caller repeated back correctly.",
    "Mostly clear. The street name was mispronounced once but the caller understood it.",
)
PRONUNCIATION_BAD = (
    "The caller's surname was mispronounced twice and the agent did not ask how to say it.",
    "Digits were read too quickly; the caller asked for the phone number to be repeated.",
)
CALL_OPENINGS = (
    "The caller ({persona}) wanted to {goal}.",
    "A caller tried to {goal}.",
)
CALL_PASSED = (
    "The agent {success} in {turns} turns.",
    "After verifying the caller the agent {success}.",
)
CALL_FAILED = (
    "The agent {failure}; the goal was not met.",
    "Verification went well, but the agent {failure}.",
)
GOAL_PASSED = (
    "Goal achieved: the agent {success}. All required steps were completed in the expected order.",
    "The caller's objective was met. The agent {success}, and confirmed the outcome before "
    "ending the call.",
)
GOAL_FAILED = (
    "Goal not achieved: the agent {failure}. The expected tool sequence was not followed.",
    "The caller's objective was not met because the agent {failure}.",
)
EVENT_TITLES = (
    ("Call connected", "SIP call answered by the agent", ("telephony",)),
    ("Greeting delivered", "Agent finished the opening greeting", ("script",)),
    (
        "Caller interrupted agent",
        "Barge-in detected while the agent was speaking",
        ("barge_in", "turn_taking"),
    ),
    ("Long silence", "No speech from either side for more than three seconds", ("silence",)),
    ("Identity verified", "Agent confirmed the caller's identity", ("milestone", "compliance")),
    ("Background noise spike", "Noise level above the configured threshold", ("audio",)),
    (
        "Agent asked for clarification",
        "Agent did not understand and re-prompted",
        ("asr", "turn_taking"),
    ),
    ("DTMF input", "Caller pressed keys on the keypad", ("telephony", "dtmf")),
)
CUSTOM_METRICS: tuple[tuple[str, str, str, str, tuple[str, ...], str | None], ...] = (
    (
        "Empathy",
        "Does the agent acknowledge the caller's feelings before solving the problem?",
        "score",
        "quality",
        (),
        "0-40 ignores feelings; 41-70 generic; 71-100 specific and sincere.",
    ),
    (
        "Policy compliance",
        "Did the agent follow the verification and disclosure policy?",
        "boolean",
        "compliance",
        (),
        "True only if every mandatory step is present.",
    ),
    (
        "Resolution type",
        "How was the caller's request resolved?",
        "enum",
        "outcome",
        ("resolved", "partially_resolved", "escalated", "unresolved"),
        None,
    ),
    (
        "Script adherence",
        "How closely did the agent follow the approved call flow?",
        "score",
        "quality",
        (),
        "Deduct 20 points per skipped step.",
    ),
)
METRIC_REASONS_GOOD = (
    "The agent acknowledged the caller's frustration early and kept a calm tone throughout.",
    "Verification steps were followed in order and no sensitive data was repeated back.",
    "The request was handled end to end without a transfer.",
)
METRIC_REASONS_BAD = (
    "One step of the approved flow was skipped and the caller had to repeat information.",
    "The agent moved straight to problem solving without acknowledging the caller's concern.",
    "The disclosure was read only after the caller had shared account details.",
)
EDITORS = ("qa.lead@acme-voice.ai", "maria.lopez@acme-voice.ai", "reviewer-bot")
OVERRIDE_CODES = ("FALSE_NEGATIVE", "FALSE_POSITIVE", "POLICY_EXCEPTION", "ASR_ERROR")
RUN_SUMMARIES_DONE = (
    "{passed} of {total} calls met their goal. Most failures came from {weakness}.",
    "Pass rate {rate}%. The agent handled verification well; {weakness} caused the failures.",
    "{failed} failing calls, all related to {weakness}. Latency stayed within target.",
)
RUN_SUMMARIES_CLEAN = (
    "All {total} calls met their goal. Latency stayed within target.",
    "Pass rate 100%. No regressions against the previous run.",
)
WEAKNESSES = (
    "missed confirmations of dates and times",
    "slow responses after tool calls",
    "interruptions during long read-backs",
    "incorrect fee explanations",
    "escalation requests that were not honoured",
)
CALL_END_REASONS = (
    "agent_hangup",
    "customer_hangup",
    "customer_hangup",
    "max_duration",
    "transfer",
)
RESULT_ERRORS = ("no_answer", "sip_timeout", "agent_error")
