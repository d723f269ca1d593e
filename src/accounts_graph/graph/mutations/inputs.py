"""Input objects shared by several mutations: addresses, contacts, phones."""

import strawberry

UNSET = strawberry.UNSET


@strawberry.input(description="A postal address; all but the second line required.")
class AddressInput:
    address_line1: str = strawberry.field(description="First line (1 to 250 chars).")
    post_code: str = strawberry.field(description="Postal code (1 to 20 chars).")
    city: str = strawberry.field(description="City.")
    state: str = strawberry.field(description="State or region.")
    country: str = strawberry.field(description="ISO 3166 alpha-2 code, e.g. CH.")
    address_line2: str | None = strawberry.field(
        default=UNSET, description="Second line."
    )


@strawberry.input(description="A phone number.")
class PhoneInput:
    prefix: str = strawberry.field(description="International prefix, e.g. +41.")
    number: str = strawberry.field(description="The number without prefix.")


@strawberry.input(description="A contact person.")
class ContactInput:
    first_name: str | None = strawberry.field(default=UNSET, description="First name.")
    last_name: str | None = strawberry.field(default=UNSET, description="Last name.")
    email: str | None = strawberry.field(default=UNSET, description="E-mail address.")
    phone: PhoneInput | None = strawberry.field(default=UNSET, description="Phone.")


@strawberry.input(description="Eligibility flags.")
class EligibilityInput:
    client: bool | None = strawberry.field(default=UNSET, description="As client.")
    partner: bool | None = strawberry.field(default=UNSET, description="As partner.")


@strawberry.input(description="A buyer's identifiers in the ERP.")
class BuyerExternalIdsInput:
    erp_company_contact: str | None = strawberry.field(
        default=UNSET, description="ERP company contact id (≤ 250 chars)."
    )
    erp_customer: str | None = strawberry.field(
        default=UNSET, description="ERP customer number (≤ 250 chars)."
    )
    account_external_id: str | None = strawberry.field(
        default=UNSET, description="External id (CDG) of the account (≤ 250 chars)."
    )


@strawberry.input(description="A user's language and regional settings.")
class UserSettingsInput:
    culture_code: str | None = strawberry.field(
        default=UNSET, description="Culture for dates and numbers, e.g. en-US (≤ 5)."
    )
    language_code: str | None = strawberry.field(
        default=UNSET, description="Language of the interface, e.g. en (≤ 5 chars)."
    )
