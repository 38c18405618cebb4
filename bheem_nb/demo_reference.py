"""Reference data for the demo schema: places, product lines, names and demand factors.

Plain constants, loaded into DuckDB once per build; the generator in ``demo_data`` draws from
them with seeded hashes.
"""

from __future__ import annotations

# Relative demand by calendar month (Jan..Dec) and ISO weekday (Mon..Sun).
MONTH_FACTOR = [0.82, 0.80, 0.92, 0.95, 0.98, 0.95, 0.90, 0.95, 1.02, 1.08, 1.38, 1.55]
WEEKDAY_FACTOR = [1.08, 1.06, 1.04, 1.02, 1.00, 0.80, 0.72]

# (region, country, city, latitude, longitude, weight); weights set the regional mix
# (about 30% North America, 28% Europe, 25% Asia Pacific, 10% Latin America, 7% MEA).
CITIES: list[tuple[str, str, str, float, float, int]] = [
    ("North America", "United States", "New York", 40.7128, -74.0060, 60),
    ("North America", "United States", "Los Angeles", 34.0522, -118.2437, 45),
    ("North America", "United States", "Chicago", 41.8781, -87.6298, 35),
    ("North America", "United States", "Houston", 29.7604, -95.3698, 25),
    ("North America", "United States", "Seattle", 47.6062, -122.3321, 20),
    ("North America", "United States", "San Francisco", 37.7749, -122.4194, 22),
    ("North America", "United States", "Boston", 42.3601, -71.0589, 18),
    ("North America", "United States", "Atlanta", 33.7490, -84.3880, 16),
    ("North America", "United States", "Miami", 25.7617, -80.1918, 14),
    ("North America", "United States", "Denver", 39.7392, -104.9903, 12),
    ("North America", "Canada", "Toronto", 43.6532, -79.3832, 16),
    ("North America", "Canada", "Vancouver", 49.2827, -123.1207, 9),
    ("North America", "Canada", "Montreal", 45.5019, -73.5674, 8),
    ("Europe", "United Kingdom", "London", 51.5074, -0.1278, 40),
    ("Europe", "United Kingdom", "Manchester", 53.4808, -2.2426, 12),
    ("Europe", "United Kingdom", "Edinburgh", 55.9533, -3.1883, 7),
    ("Europe", "Germany", "Berlin", 52.5200, 13.4050, 24),
    ("Europe", "Germany", "Munich", 48.1351, 11.5820, 16),
    ("Europe", "Germany", "Hamburg", 53.5511, 9.9937, 12),
    ("Europe", "France", "Paris", 48.8566, 2.3522, 28),
    ("Europe", "France", "Lyon", 45.7640, 4.8357, 9),
    ("Europe", "France", "Marseille", 43.2965, 5.3698, 7),
    ("Europe", "Spain", "Madrid", 40.4168, -3.7038, 14),
    ("Europe", "Spain", "Barcelona", 41.3874, 2.1686, 12),
    ("Europe", "Italy", "Milan", 45.4642, 9.1900, 12),
    ("Europe", "Italy", "Rome", 41.9028, 12.4964, 10),
    ("Europe", "Netherlands", "Amsterdam", 52.3676, 4.9041, 12),
    ("Europe", "Netherlands", "Rotterdam", 51.9244, 4.4777, 5),
    ("Europe", "Sweden", "Stockholm", 59.3293, 18.0686, 9),
    ("Europe", "Poland", "Warsaw", 52.2297, 21.0122, 9),
    ("Asia Pacific", "Japan", "Tokyo", 35.6762, 139.6503, 34),
    ("Asia Pacific", "Japan", "Osaka", 34.6937, 135.5023, 12),
    ("Asia Pacific", "China", "Shanghai", 31.2304, 121.4737, 22),
    ("Asia Pacific", "China", "Beijing", 39.9042, 116.4074, 18),
    ("Asia Pacific", "China", "Shenzhen", 22.5431, 114.0579, 12),
    ("Asia Pacific", "India", "Mumbai", 19.0760, 72.8777, 16),
    ("Asia Pacific", "India", "Bengaluru", 12.9716, 77.5946, 14),
    ("Asia Pacific", "India", "Delhi", 28.6139, 77.2090, 12),
    ("Asia Pacific", "Australia", "Sydney", -33.8688, 151.2093, 18),
    ("Asia Pacific", "Australia", "Melbourne", -37.8136, 144.9631, 14),
    ("Asia Pacific", "Australia", "Brisbane", -27.4698, 153.0251, 6),
    ("Asia Pacific", "Singapore", "Singapore", 1.3521, 103.8198, 14),
    ("Asia Pacific", "South Korea", "Seoul", 37.5665, 126.9780, 14),
    ("Asia Pacific", "Indonesia", "Jakarta", -6.2088, 106.8456, 8),
    ("Asia Pacific", "New Zealand", "Auckland", -36.8485, 174.7633, 6),
    ("Latin America", "Brazil", "São Paulo", -23.5505, -46.6333, 24),
    ("Latin America", "Brazil", "Rio de Janeiro", -22.9068, -43.1729, 12),
    ("Latin America", "Mexico", "Mexico City", 19.4326, -99.1332, 20),
    ("Latin America", "Mexico", "Guadalajara", 20.6597, -103.3496, 7),
    ("Latin America", "Mexico", "Monterrey", 25.6866, -100.3161, 6),
    ("Latin America", "Argentina", "Buenos Aires", -34.6037, -58.3816, 11),
    ("Latin America", "Chile", "Santiago", -33.4489, -70.6693, 8),
    ("Latin America", "Colombia", "Bogotá", 4.7110, -74.0721, 8),
    ("Latin America", "Colombia", "Medellín", 6.2442, -75.5812, 4),
    ("Latin America", "Peru", "Lima", -12.0464, -77.0428, 6),
    ("Middle East & Africa", "United Arab Emirates", "Dubai", 25.2048, 55.2708, 12),
    ("Middle East & Africa", "United Arab Emirates", "Abu Dhabi", 24.4539, 54.3773, 5),
    ("Middle East & Africa", "Saudi Arabia", "Riyadh", 24.7136, 46.6753, 8),
    ("Middle East & Africa", "Saudi Arabia", "Jeddah", 21.4858, 39.1925, 4),
    ("Middle East & Africa", "Israel", "Tel Aviv", 32.0853, 34.7818, 6),
    ("Middle East & Africa", "South Africa", "Johannesburg", -26.2041, 28.0473, 7),
    ("Middle East & Africa", "South Africa", "Cape Town", -33.9249, 18.4241, 5),
    ("Middle East & Africa", "Nigeria", "Lagos", 6.5244, 3.3792, 6),
    ("Middle East & Africa", "Kenya", "Nairobi", -1.2921, 36.8219, 4),
    ("Middle East & Africa", "Egypt", "Cairo", 30.0444, 31.2357, 6),
    ("Middle East & Africa", "Morocco", "Casablanca", 33.5731, -7.5898, 3),
]

# (category, subcategory, weight, lowest price, highest price, product nouns)
SUBCATEGORIES: list[tuple[str, str, int, float, float, list[str]]] = [
    ("Technology", "Phones", 8, 149, 1299, ["Smartphone", "Phone Pro", "Phone Lite", "Phone Max"]),
    ("Technology", "Laptops", 6, 499, 2999, ["Laptop", "Ultrabook", "Laptop Pro", "2-in-1 Laptop"]),
    ("Technology", "Monitors", 5, 119, 899, ["Monitor", "Curved Monitor", "4K Display"]),
    ("Technology", "Accessories", 9, 9, 149, ["Wireless Mouse", "Keyboard", "USB-C Hub", "Headset"]),
    ("Technology", "Printers", 4, 89, 799, ["Laser Printer", "Inkjet Printer", "Label Printer"]),
    ("Furniture", "Chairs", 7, 79, 899, ["Office Chair", "Ergonomic Chair", "Task Chair", "Stool"]),
    ("Furniture", "Tables", 4, 129, 1499, ["Conference Table", "Side Table", "Work Table"]),
    ("Furniture", "Desks", 4, 149, 1299, ["Standing Desk", "Writing Desk", "Corner Desk"]),
    ("Furniture", "Bookcases", 3, 89, 699, ["Bookcase", "Shelf Unit", "Cube Organizer"]),
    ("Furniture", "Furnishings", 6, 9, 199, ["Desk Lamp", "Wall Clock", "Area Rug", "Photo Frame"]),
    ("Office Supplies", "Paper", 8, 3, 49, ["Copy Paper", "Notepad", "Sticky Notes"]),
    ("Office Supplies", "Binders", 7, 2, 39, ["Ring Binder", "Presentation Binder", "Binder Set"]),
    ("Office Supplies", "Storage", 6, 9, 249, ["Storage Box", "File Cabinet", "Drawer Unit"]),
    ("Office Supplies", "Art", 5, 2, 59, ["Marker Set", "Pencil Pack", "Highlighters"]),
    ("Office Supplies", "Labels", 3, 2, 29, ["Address Labels", "Label Roll"]),
    ("Office Supplies", "Envelopes", 3, 3, 39, ["Envelopes", "Padded Mailers"]),
]

BRANDS = ["Apex", "Nova", "Orion", "Zenith", "Vertex", "Lumen", "Atlas", "Summit", "Pioneer", "Crest",
           "Halo", "Nimbus", "Quill", "Ridge", "Sable", "Terra"]
FIRST_NAMES = [
    "James", "Mary", "Wei", "Priya", "Carlos", "Sofia", "Ahmed", "Fatima", "Hiroshi", "Yuki", "Olga", "Lars",
    "Emma", "Liam", "Noah", "Olivia", "Ava", "Lucas", "Mateo", "Isabella", "Chen", "Aisha", "Omar", "Elena",
    "Marco", "Giulia", "Pierre", "Camille", "Hans", "Anna", "Raj", "Ananya", "Kwame", "Amara", "Diego",
    "Valentina", "Jiwoo", "Minjun", "Sven", "Ingrid", "David", "Sarah", "Michael", "Laura", "Daniel", "Grace",
    "Samuel", "Chloe", "Ethan", "Mia", "Leila", "Tomas", "Nadia", "Kenji", "Zara", "Felix",
]
LAST_NAMES = [
    "Smith", "Johnson", "Garcia", "Martinez", "Chen", "Wang", "Li", "Kumar", "Patel", "Singh", "Mueller",
    "Okafor", "Mensah", "Haddad", "Khan", "Suzuki", "Tanaka", "Kim", "Park", "Nguyen", "Rossi", "Bianchi",
    "Dubois", "Martin", "Schmidt", "Fischer", "Jansen", "Novak", "Kowalski", "Silva", "Santos", "Oliveira",
    "Lopez", "Gonzalez", "Hernandez", "Brown", "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Jackson",
    "White", "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Wright", "Scott", "Green", "Baker",
    "Adams", "Campbell", "Evans", "Torres", "Cohen", "Ivanova", "Petrov", "Andersson", "Larsen",
]
EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com"]
