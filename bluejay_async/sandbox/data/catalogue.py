"""The scenario catalogue: businesses under test, what callers ask of them, and their tools.

Plain data, no logic: the generators in this package and :mod:`..cognigy_data` pick from these
with a seeded ``random.Random`` so the same seed always tells the same stories.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Tool:
    """A tool an agent can call; values are drawn by kind (see ``calls.tool_value``)."""

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
