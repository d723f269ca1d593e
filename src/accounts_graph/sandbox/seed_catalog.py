"""Reference tables behind the demo dataset: countries, names, companies, modules.

Plain, hand-written data. `seed.py` and `seed_people.py` turn it into objects; keeping
the tables apart lets the builders read as steps rather than as walls of literals.
"""

from dataclasses import dataclass

from accounts_graph.platform.enums import AccountType

CLIENT, VENDOR = AccountType.CLIENT, AccountType.VENDOR
OPERATIONS = AccountType.OPERATIONS


@dataclass(frozen=True)
class City:
    """A city addresses are drawn from."""

    name: str
    state: str
    post_code: str
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Country:
    """A country clients, buyers and people live in."""

    code: str
    word: str  # how a local subsidiary calls itself: "Contoso Schweiz AG"
    suffix: str
    phone_prefix: str
    culture: str
    tld: str
    tax_id: str  # '#' stands for a digit
    cities: tuple[City, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


# fmt: off
_COUNTRY_LIST = (
    Country(
        "CH", "Schweiz", "AG", "+41", "de-CH", "ch", "CHE-###.###.###",
        (
            City("Zürich", "ZH", "8001", ("Bahnhofstrasse", "Limmatquai")),
            City("Basel", "BS", "4051", ("Freie Strasse", "Aeschenvorstadt")),
            City("Geneva", "GE", "1204", ("Rue du Rhône", "Quai du Mont-Blanc")),
            City("Bern", "BE", "3011", ("Marktgasse", "Spitalgasse")),
        ),
        _names("Luca, Noah, Lea, Mia, Elias, Laura, Jonas, Anna, Nina, Marco"),
        _names("Müller, Meier, Schmid, Keller, Weber, Huber, Frei, Brunner"),
    ),
    Country(
        "DE", "Deutschland", "GmbH", "+49", "de-DE", "de", "DE#########",
        (
            City("München", "Bayern", "80331", ("Maximilianstraße", "Marienplatz")),
            City("Berlin", "Berlin", "10117", ("Friedrichstraße", "Unter den Linden")),
            City("Hamburg", "Hamburg", "20095", ("Jungfernstieg", "Ballindamm")),
            City("Frankfurt am Main", "Hessen", "60311", ("Zeil", "Roßmarkt")),
        ),
        _names("Lukas, Felix, Sophie, Hannah, Maximilian, Lena, Paul, Emma, Jan"),
        _names("Schmidt, Fischer, Wagner, Becker, Hoffmann, Schulz, Koch, Richter"),
    ),
    Country(
        "US", "USA", "Inc.", "+1", "en-US", "com", "##-#######",
        (
            City("New York", "NY", "10017", ("Lexington Avenue", "Madison Avenue")),
            City("Seattle", "WA", "98101", ("Pine Street", "4th Avenue")),
            City("Chicago", "IL", "60601", ("Michigan Avenue", "Wacker Drive")),
            City("Austin", "TX", "78701", ("Congress Avenue", "Lavaca Street")),
        ),
        _names("James, Emily, Michael, Olivia, David, Ashley, Daniel, Jessica, Ryan"),
        _names("Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson"),
    ),
    Country(
        "GB", "UK", "Ltd", "+44", "en-GB", "co.uk", "GB#########",
        (
            City("London", "England", "EC2V 6DN", ("Cheapside", "Moorgate")),
            City("Manchester", "England", "M2 3WQ", ("Deansgate", "King Street")),
            City("Edinburgh", "Scotland", "EH2 2ER", ("George Street", "Rose Street")),
            City("Bristol", "England", "BS1 1JG", ("Corn Street", "Queen Square")),
        ),
        _names("Oliver, Amelia, Harry, Isla, George, Sophie, Jack, Grace, Thomas"),
        _names("Evans, Roberts, Walker, Wright, Thompson, Hughes, Edwards, Clarke"),
    ),
    Country(
        "FR", "France", "SAS", "+33", "fr-FR", "fr", "FR###########",
        (
            City("Paris", "Île-de-France", "75008", ("Rue de Rivoli", "Rue Royale")),
            City("Lyon", "Auvergne-Rhône-Alpes", "69002", ("Rue de la République",)),
            City("Toulouse", "Occitanie", "31000", ("Rue d'Alsace-Lorraine",)),
            City("Lille", "Hauts-de-France", "59000", ("Rue Nationale",)),
        ),
        _names("Louis, Camille, Hugo, Chloé, Lucas, Manon, Jules, Léa, Arthur, Inès"),
        _names("Martin, Bernard, Dubois, Robert, Richard, Petit, Durand, Leroy"),
    ),
    Country(
        "NL", "Nederland", "B.V.", "+31", "nl-NL", "nl", "NL#########B01",
        (
            City("Amsterdam", "Noord-Holland", "1017 CE", ("Herengracht", "Singel")),
            City("Rotterdam", "Zuid-Holland", "3011 AD", ("Coolsingel", "Weena")),
            City("Utrecht", "Utrecht", "3511 LX", ("Oudegracht",)),
            City("Eindhoven", "Noord-Brabant", "5611 AZ", ("Vestdijk",)),
        ),
        _names("Daan, Sanne, Lars, Fleur, Bram, Lotte, Thijs, Eva, Sem, Julia"),
        _names("de Jong, Jansen, de Vries, van den Berg, Bakker, Visser, Smit"),
    ),
    Country(
        "ES", "España", "S.L.", "+34", "es-ES", "es", "ESB########",
        (
            City("Madrid", "Madrid", "28013", ("Gran Vía", "Calle de Alcalá")),
            City("Barcelona", "Cataluña", "08007", ("Passeig de Gràcia",)),
            City("Valencia", "Comunidad Valenciana", "46002", ("Calle de Colón",)),
            City("Sevilla", "Andalucía", "41004", ("Avenida de la Constitución",)),
        ),
        _names("Hugo, Lucía, Pablo, María, Alejandro, Paula, Javier, Carmen"),
        _names("García, Fernández, González, Rodríguez, López, Martínez, Ruiz"),
    ),
    Country(
        "AU", "Australia", "Pty Ltd", "+61", "en-AU", "com.au", "## ### ### ###",
        (
            City("Sydney", "NSW", "2000", ("George Street", "Pitt Street")),
            City("Melbourne", "VIC", "3000", ("Collins Street", "Bourke Street")),
            City("Brisbane", "QLD", "4000", ("Queen Street", "Eagle Street")),
            City("Perth", "WA", "6000", ("St Georges Terrace",)),
        ),
        _names("Jack, Charlotte, William, Ruby, Liam, Matilda, Noah, Zoe, Lachlan"),
        _names("Nguyen, Kelly, Martin, Murphy, Ryan, Campbell, O'Brien, Mitchell"),
    ),
)
# fmt: on
COUNTRIES: dict[str, Country] = {c.code: c for c in _COUNTRY_LIST}


@dataclass(frozen=True)
class Company:
    """A client or vendor: legal name, the short name its buyers use, home, domain."""

    name: str
    stem: str
    country: str
    domain: str
    sector: str


# The first twelve clients are written by hand so the scale-1 dataset reads like a
# real tenant list; further clients (scale > 1) are composed from STEMS and SECTORS.
# fmt: off
CLIENTS: tuple[Company, ...] = (
    Company("Contoso Ltd.", "Contoso", "US", "contoso.com", "Manufacturing"),
    Company("Fabrikam, Inc.", "Fabrikam", "US", "fabrikam.com", "Electronics"),
    Company("Northwind Traders Ltd", "Northwind", "GB", "northwind.co.uk", "Trade"),
    Company("Alpenblick Logistik AG", "Alpenblick", "CH", "alpenblick.ch", "Logistics"),
    Company("Rheinwerk Maschinenbau GmbH", "Rheinwerk", "DE", "rheinwerk.de", "Tools"),
    Company("Maison Lumière SAS", "Lumière", "FR", "maison-lumiere.fr", "Retail"),
    Company("Van der Berg Techniek B.V.", "Van der Berg", "NL", "vdberg.nl", "Tech"),
    Company("Grupo Solaris S.L.", "Solaris", "ES", "gruposolaris.es", "Energy"),
    Company("Southern Cross Mining Ltd", "Southern Cross", "AU", "scm.au", "Mining"),
    Company("Woodgrove Bank plc", "Woodgrove", "GB", "woodgrovebank.co.uk", "Banking"),
    Company("Tailspin Toys, Inc.", "Tailspin", "US", "tailspintoys.com", "Toys"),
    Company("Bergsee Pharma AG", "Bergsee", "CH", "bergsee-pharma.ch", "Pharma"),
)
# fmt: on

STEMS = _names(
    "Aurora, Bluewater, Cedar, Helix, Meridian, Northstar, Pinnacle, Quantum,"
    " Silverline, Summit, Vertex, Harbor, Ironwood, Juniper, Keystone, Lakeside,"
    " Maple, Nimbus, Orion, Polaris, Redwood, Sequoia, Tidewater, Vantage, Willow,"
    " Zenith, Alder, Beacon, Crescent, Evergreen, Falcon, Granite, Horizon, Jasper,"
    " Kestrel, Lumen, Monarch, Nova"
)
SECTORS = _names(
    "Logistics, Pharma, Energy, Retail, Foods, Insurance, Engineering, Media,"
    " Health, Analytics, Capital, Motors, Textiles, Chemicals, Aviation, Telecom,"
    " Robotics, Hotels, Construction, Shipping"
)

VENDORS: tuple[Company, ...] = (
    Company("Microsoft Corporation", "Microsoft", "US", "microsoft.com", "Software"),
    Company("Adobe Inc.", "Adobe", "US", "adobe.com", "Software"),
    Company("Amazon Web Services, Inc.", "AWS", "US", "amazon.com", "Cloud"),
    Company("Cisco Systems, Inc.", "Cisco", "US", "cisco.com", "Networking"),
    Company("Quillsoft Legacy Tools GmbH", "Quillsoft", "DE", "quillsoft.de", "Tools"),
)
OPERATOR = Company("SoftwareOne AG", "SoftwareOne", "CH", "softwareone.com", "IT")


@dataclass(frozen=True)
class Module:
    """A module of the platform's catalogue."""

    name: str
    code: str
    description: str
    paid: bool
    configurable: bool
    default: bool
    account_types: tuple[AccountType, ...]
    per_buyer: bool  # whether a group can narrow the module to selected buyers


_ALL = (CLIENT, VENDOR, OPERATIONS)
# fmt: off
MODULES: tuple[Module, ...] = (
    # name, code, description, paid, configurable, default, account types, per buyer
    Module("Marketplace", "marketplace", "Browse and buy software and cloud services.",
           False, False, True, _ALL, False),
    Module("Billing", "billing", "Invoices, statements and journals.",
           False, True, True, _ALL, True),
    Module("Procurement", "procurement", "Purchase requests and approval flows.",
           False, True, True, (CLIENT, OPERATIONS), True),
    Module("Order Management", "order-management", "Orders from draft to completion.",
           False, True, True, _ALL, True),
    Module("Subscriptions", "subscriptions", "Subscriptions, renewals and assets.",
           False, True, True, _ALL, True),
    Module("Catalog", "catalog", "Products, items and price lists.",
           False, True, False, (VENDOR, OPERATIONS), False),
    Module("Spotlight", "spotlight", "Cost-saving and compliance insights.",
           True, True, False, (CLIENT, OPERATIONS), True),
    Module("Support", "support", "Cases, service requests and knowledge base.",
           False, False, True, _ALL, False),
)
# fmt: on


@dataclass(frozen=True)
class Seller:
    """A SoftwareOne selling entity and its registered office."""

    name: str
    external_id: str
    status: str
    currencies: tuple[str, ...]
    street: str
    post_code: str
    city: str
    state: str
    country: str


# fmt: off
SELLERS: tuple[Seller, ...] = (
    Seller("SoftwareOne AG", "SWO_CH", "Active", ("CHF", "EUR", "USD"),
           "Riedenmatt 4", "6370", "Stans", "NW", "CH"),
    Seller("SoftwareOne Deutschland GmbH", "SWO_DE", "Active", ("EUR",),
           "Leopoldstraße 244", "80807", "München", "Bayern", "DE"),
    Seller("SoftwareOne, Inc.", "SWO_US", "Active", ("USD",),
           "20875 Crossroads Circle", "53186", "Waukesha", "WI", "US"),
    Seller("SoftwareOne UK Ltd", "SWO_GB", "Active", ("GBP", "EUR"),
           "240 Blackfriars Road", "SE1 8NW", "London", "England", "GB"),
    Seller("SoftwareOne France SAS", "SWO_FR", "Active", ("EUR",),
           "41 Rue Ybry", "92200", "Neuilly-sur-Seine", "Île-de-France", "FR"),
    Seller("SoftwareOne Netherlands B.V.", "SWO_NL", "Active", ("EUR",),
           "Kabelweg 37", "1014 BA", "Amsterdam", "Noord-Holland", "NL"),
    # Offline is the seller's maintenance state: its ERP links stay, sales pause.
    Seller("SoftwareOne Spain S.L.", "SWO_ES", "Offline", ("EUR",),
           "Calle de Serrano 41", "28001", "Madrid", "Madrid", "ES"),
    Seller("SoftwareOne Pty Ltd", "SWO_AU", "Active", ("AUD", "NZD"),
           "1 Denison Street", "2060", "North Sydney", "NSW", "AU"),
    Seller("SoftwareOne Polska Sp. z o.o.", "SWO_PL", "Disabled", ("PLN", "EUR"),
           "ul. Prosta 51", "00-838", "Warszawa", "Mazowieckie", "PL"),
    Seller("SoftwareOne Japan K.K.", "SWO_JP", "Deleted", ("JPY",),
           "1-1-1 Marunouchi", "100-0005", "Tokyo", "Tokyo", "JP"),
)
# fmt: on
# Sellers that also serve buyers abroad, as a buyer's second ERP link.
HUB_SELLERS = ("SWO_CH", "SWO_US", "SWO_GB", "SWO_DE")

# (name, description, module codes or None for all the account type may use,
# whether the group is narrowed to some buyers); the first one is the default group.
GroupSpec = tuple[str, str, tuple[str, ...] | None, bool]
# fmt: off
GROUPS: dict[AccountType, tuple[GroupSpec, ...]] = {
    CLIENT: (
        ("Administrators", "Full access to every module and buyer.", None, False),
        ("Procurement", "Raise and approve purchases.",
         ("marketplace", "procurement", "order-management", "subscriptions"), False),
        ("Finance", "Invoices and spend insight for selected buyers.",
         ("billing", "spotlight"), True),
    ),
    VENDOR: (
        ("Administrators", "Full access to every module.", None, False),
        ("Catalog managers", "Maintain products and price lists.",
         ("catalog", "marketplace"), False),
        ("Order desk", "Fulfil orders and subscriptions.",
         ("order-management", "subscriptions", "billing"), False),
    ),
    OPERATIONS: (
        ("Administrators", "Full access to every module.", None, False),
        ("Support desk", "Handle client cases and orders.",
         ("support", "marketplace", "order-management"), False),
        ("Billing operations", "Run billing and subscriptions.",
         ("billing", "subscriptions"), False),
    ),
}
# fmt: on

DEPARTMENTS = _names(
    "Finance, Engineering, Sales, Marketing, Human Resources, IT Operations,"
    " Research, Legal, Customer Service, Logistics, Procurement, Data Science,"
    " Security, Facilities"
)

TOKEN_USES: tuple[tuple[str, str], ...] = (
    ("ERP integration", "Pushes orders and invoices into the company ERP."),
    ("Power BI reporting", "Read-only access for spend dashboards."),
    ("ServiceNow connector", "Creates requests from the service catalogue."),
    ("Provisioning automation", "Assigns subscriptions to new joiners."),
    ("Nightly sync", "Keeps the internal CMDB in step with the platform."),
    ("Terraform pipeline", "Provisions cloud tenants from infrastructure code."),
)

TENANT_LABELS: dict[str, str] = {
    "AwsDirect": "AWS direct",
    "AwsService": "AWS",
    "Csp365": "Microsoft 365",
    "CspAzure": "Azure",
    "Ea365": "Microsoft 365 EA",
    "EaAzure": "Azure EA",
    "Slm": "Software lifecycle",
    "Virtual": "Virtual tenant",
}
ENVIRONMENTS = _names("Production, Development, Sandbox, Shared services, Analytics")
