"""Word lists and scenario catalogue the seeded data is drawn from.

Plain data, no logic: the generators in :mod:`.data` and :mod:`.cognigy_data` pick from these
with a seeded ``random.Random`` so the same seed always tells the same stories.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Tool:
    """A tool an agent can call; values are drawn by kind (see ``data._value``)."""

    name: str
    params: tuple[tuple[str, str], ...]
    output: tuple[tuple[str, str], ...]


@attrs.frozen
class Scenario:
    """What a digital human calls about, and how the call goes well or badly."""

    title: str
    goal: str
    success: str
    failure: str
    tools: tuple[str, ...]


@attrs.frozen
class Domain:
    """A business whose voice agent is being tested."""

    agent: str
    slug: str
    scenarios: tuple[Scenario, ...]


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool(
            "lookup_patient",
            (("last_name", "last_name"), ("date_of_birth", "dob")),
            (("patient_id", "id:pat"), ("status", "choice:active|active|inactive")),
        ),
        Tool(
            "find_available_slots",
            (("provider_id", "id:prv"), ("date_from", "date"), ("date_to", "date")),
            (("slots", "slots"),),
        ),
        Tool(
            "book_appointment",
            (
                ("patient_id", "id:pat"),
                ("slot", "datetime"),
                ("reason", "choice:cleaning|checkup|filling"),
            ),
            (("confirmation_code", "code"), ("status", "choice:booked|booked|waitlisted")),
        ),
        Tool(
            "cancel_appointment",
            (("appointment_id", "id:apt"), ("reason", "choice:schedule_conflict|illness|other")),
            (("status", "choice:cancelled|cancelled|not_found"),),
        ),
        Tool(
            "verify_identity",
            (("phone_number", "phone"), ("last4_ssn", "last4"), ("zip_code", "zip")),
            (("verified", "bool"), ("customer_id", "id:cus")),
        ),
        Tool(
            "freeze_card",
            (("customer_id", "id:cus"), ("card_last4", "last4")),
            (("frozen", "bool"), ("reference", "code")),
        ),
        Tool(
            "order_replacement_card",
            (("customer_id", "id:cus"), ("shipping", "choice:standard|expedited")),
            (("eta_days", "int:2:7"), ("order_id", "id:ord")),
        ),
        Tool(
            "list_transactions",
            (("customer_id", "id:cus"), ("days", "int:7:60")),
            (("count", "int:3:40"), ("flagged", "int:0:3")),
        ),
        Tool(
            "open_dispute",
            (
                ("transaction_id", "id:txn"),
                ("amount", "money:12:480"),
                ("category", "choice:duplicate|fraud|not_received"),
            ),
            (("case_id", "id:case"), ("provisional_credit", "bool")),
        ),
        Tool(
            "get_booking",
            (("record_locator", "code"), ("last_name", "last_name")),
            (
                ("flight", "flight"),
                ("departure", "datetime"),
                ("cabin", "choice:economy|premium|business"),
            ),
        ),
        Tool(
            "search_flights",
            (("origin", "airport"), ("destination", "airport"), ("date", "date")),
            (("options", "int:1:9"), ("cheapest_fare", "money:89:640")),
        ),
        Tool(
            "change_booking",
            (("record_locator", "code"), ("new_flight", "flight"), ("waive_fee", "bool")),
            (("status", "choice:confirmed|confirmed|pending"), ("fare_difference", "money:0:210")),
        ),
        Tool(
            "check_refill_eligibility",
            (("patient_id", "id:pat"), ("rx_number", "rx")),
            (("eligible", "bool"), ("refills_left", "int:0:5")),
        ),
        Tool(
            "submit_refill",
            (("rx_number", "rx"), ("pickup_store", "id:store"), ("pickup_date", "date")),
            (("ready_by", "datetime"), ("copay", "money:0:45")),
        ),
        Tool(
            "get_order",
            (("order_number", "id:ord"), ("email", "email")),
            (("status", "choice:processing|shipped|delivered"), ("items", "int:1:6")),
        ),
        Tool(
            "update_address",
            (("order_number", "id:ord"), ("street", "street"), ("zip_code", "zip")),
            (("updated", "bool"), ("carrier", "choice:UPS|FedEx|USPS")),
        ),
        Tool(
            "check_availability",
            (("party_size", "int:2:8"), ("date", "date"), ("time", "time")),
            (("available", "bool"), ("alternatives", "slots")),
        ),
        Tool(
            "create_reservation",
            (("name", "full_name"), ("party_size", "int:2:8"), ("slot", "datetime")),
            (("reservation_id", "id:res"), ("status", "choice:confirmed|confirmed|waitlist")),
        ),
        Tool(
            "transfer_to_human",
            (
                ("queue", "choice:billing|support|escalations"),
                ("reason", "choice:customer_request|policy|low_confidence"),
            ),
            (("queued", "bool"), ("wait_seconds", "int:5:240")),
        ),
    )
}

DOMAINS: tuple[Domain, ...] = (
    Domain(
        "Bright Smile Dental receptionist",
        "dental",
        (
            Scenario(
                "Reschedule a cleaning to next week",
                "move an existing cleaning appointment to a morning slot next week",
                "offered two morning slots, confirmed the new time and read back the code",
                "booked the afternoon slot the caller had explicitly rejected",
                ("lookup_patient", "find_available_slots", "book_appointment"),
            ),
            Scenario(
                "Cancel an appointment because of illness",
                "cancel tomorrow's appointment and ask about the late-cancellation fee",
                "cancelled the appointment and explained the fee is waived for illness",
                "cancelled without verifying the date of birth and quoted the wrong fee",
                ("lookup_patient", "cancel_appointment"),
            ),
            Scenario(
                "New patient asking about insurance",
                "find out whether the clinic accepts their PPO plan before booking a checkup",
                "confirmed the plan is in network and booked a checkup",
                "claimed the plan was accepted without checking and never offered a slot",
                ("find_available_slots", "book_appointment"),
            ),
        ),
    ),
    Domain(
        "Northwind Bank card services",
        "banking",
        (
            Scenario(
                "Report a lost debit card",
                "freeze a lost debit card and get an expedited replacement",
                "verified identity, froze the card and ordered an expedited replacement",
                "ordered a replacement but never froze the lost card",
                ("verify_identity", "freeze_card", "order_replacement_card"),
            ),
            Scenario(
                "Dispute a duplicate charge",
                "dispute a grocery charge that appeared twice on the statement",
                "found both charges and opened a duplicate-charge dispute with provisional credit",
                "opened the dispute on the wrong transaction",
                ("verify_identity", "list_transactions", "open_dispute"),
            ),
            Scenario(
                "Angry caller demanding a supervisor",
                "speak to a supervisor about a declined payment at a pharmacy",
                "de-escalated, explained the decline and transferred to the escalations queue",
                "argued with the caller and refused the transfer twice",
                ("verify_identity", "transfer_to_human"),
            ),
        ),
    ),
    Domain(
        "SkyWays Airlines reservations",
        "airline",
        (
            Scenario(
                "Move to an earlier flight",
                "switch tomorrow's evening flight to the first departure of the day",
                "found the 6:40 departure, explained the fare difference and confirmed the change",
                "changed the flight without disclosing the change fee",
                ("get_booking", "search_flights", "change_booking"),
            ),
            Scenario(
                "Missed connection rebooking",
                "get rebooked after missing a connection because of a delayed inbound flight",
                "rebooked on the next flight with the change fee waived",
                "told the caller to buy a new ticket",
                ("get_booking", "search_flights", "change_booking"),
            ),
        ),
    ),
    Domain(
        "CareFirst Pharmacy refill line",
        "pharmacy",
        (
            Scenario(
                "Refill a blood pressure prescription",
                "refill lisinopril for pickup at the usual store tomorrow",
                "confirmed eligibility, submitted the refill and gave the pickup time and copay",
                "submitted the refill to a store the caller never mentioned",
                ("lookup_patient", "check_refill_eligibility", "submit_refill"),
            ),
            Scenario(
                "Refill with no refills left",
                "refill a prescription that has no refills remaining",
                "explained the prescriber must authorise it and offered to send the request",
                "promised the refill would be ready although none were left",
                ("lookup_patient", "check_refill_eligibility"),
            ),
        ),
    ),
    Domain(
        "Trailhead Outfitters order support",
        "retail",
        (
            Scenario(
                "Change the shipping address of an order",
                "send an order that has not shipped yet to a new address",
                "found the order, confirmed it had not shipped and updated the address",
                "updated the address on an order that had already shipped",
                ("get_order", "update_address"),
            ),
            Scenario(
                "Where is my order",
                "find out why an order placed ten days ago has not arrived",
                "gave the carrier, the tracking status and a realistic delivery date",
                "read out the order status but ignored the question about the delay",
                ("get_order",),
            ),
        ),
    ),
    Domain(
        "Luigi's Trattoria reservations",
        "restaurant",
        (
            Scenario(
                "Book a table for a birthday",
                "book a table for six on Friday at 7:30 pm and mention a birthday",
                "found a 7:45 pm table, booked it and noted the birthday",
                "booked for the wrong day",
                ("check_availability", "create_reservation"),
            ),
        ),
    ),
)

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
