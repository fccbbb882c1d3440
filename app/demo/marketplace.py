"""The demo marketplace: people, shops and their orders.

Every demo account logs in with the password ``DEMO_PASSWORD``. The data is generated from
a fixed seed, so every fresh database gets the same people and orders.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from app.auth.models import Role, User
from app.auth.passwords import hash_password
from app.auth.services import grant_role
from app.core import clock
from app.core.extensions import db
from app.execution.ledger import pay_in
from app.jury.models import Reviewer, ReviewerStatus
from app.orders.models import Order, OrderItem, OrderStatus

DEMO_PASSWORD = "tribunal-demo"  # noqa: S105  (published in the README on purpose)
REVIEWER_COUNT = 64
DEMO_DEPOSIT_FEN = 200_000


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    shop: str | None = None
    roles: tuple[Role, ...] = ()


NAMED_PEOPLE = (
    Person("admin@example.com", "王敏 Wang Min", roles=(Role.ADMIN,)),
    Person("mediator@example.com", "李静 Li Jing", roles=(Role.MEDIATOR,)),
    Person("mediator2@example.com", "Sam Carter", roles=(Role.MEDIATOR,)),
    Person("buyer@example.com", "林晓雨 Lin Xiaoyu"),
    Person("buyer2@example.com", "Emma Brown"),
    Person("seller@example.com", "张伟 Zhang Wei", shop="小张数码 Zhang's Digital"),
    Person("seller2@example.com", "Olivia Green", shop="Green Leaf Tea House 绿叶茶社"),
)
EXTRA_BUYERS = (
    "陈杰 Chen Jie",
    "Noah Wilson",
    "刘芳 Liu Fang",
    "Ava Martin",
    "赵磊 Zhao Lei",
    "Lucas Taylor",
    "黄丽 Huang Li",
    "Mia Anderson",
    "周洋 Zhou Yang",
    "Ethan Thomas",
)
EXTRA_SHOPS = (
    ("吴强 Wu Qiang", "吴记家居 Wu Home"),
    ("Grace Lee", "Little Panda Toys 小熊猫玩具"),
    ("孙娜 Sun Na", "娜娜美妆 Nana Beauty"),
    ("Henry Walker", "Walker Outdoor 沃克户外"),
    ("马超 Ma Chao", "超哥运动 Ma Sports"),
    ("徐娟 Xu Juan", "徐家小厨 Xu Kitchen"),
)
SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "胡",
    "朱",
    "高",
    "林",
)
GIVEN = (
    "伟",
    "芳",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "欣",
)
ENGLISH_FIRST = ("Amelia", "James", "Harper", "Benjamin", "Ella", "Daniel", "Chloe", "Jack")
ENGLISH_LAST = ("Evans", "Hughes", "Wright", "Turner", "Hall", "Young", "King", "Scott")

EARBUDS = ("无线蓝牙耳机 Wireless earbuds", "electronics", 19900)
POWER_BANK = ("快充充电宝 20000mAh power bank", "electronics", 12900)
KEYBOARD = ("机械键盘 Mechanical keyboard", "electronics", 34900)
SMART_WATCH = ("智能手表 Smart watch", "electronics", 59900)
LONGJING = ("西湖龙井 Longjing green tea 250 g", "food", 16800)
PUER = ("云南普洱 Pu'er tea cake", "food", 23800)
GOODS = (
    EARBUDS,
    POWER_BANK,
    KEYBOARD,
    SMART_WATCH,
    ("纯棉T恤 Cotton T-shirt", "clothing", 5900),
    ("羽绒服 Down jacket", "clothing", 69900),
    LONGJING,
    PUER,
    ("保湿面霜 Moisturising cream", "beauty", 15900),
    ("积木城堡 Building-block castle", "toys", 29900),
    ("不粘锅 Non-stick wok", "home", 18900),
    ("登山鞋 Hiking boots", "sports", 45900),
    ("瑜伽垫 Yoga mat", "sports", 8900),
)
# what each shop sells: its orders are of its own goods
SHOP_CATEGORIES = {
    "seller@example.com": ("electronics",),
    "seller2@example.com": ("food",),
    "shop01@example.com": ("home",),
    "shop02@example.com": ("toys",),
    "shop03@example.com": ("beauty",),
    "shop04@example.com": ("sports",),
    "shop05@example.com": ("sports", "clothing"),
    "shop06@example.com": ("home", "food"),
}
# the goods of the demo's own orders that its cases are about (``app.demo.cases``)
DEMO_ORDER_GOODS = {
    ("buyer", "seller", "completed"): EARBUDS,
    ("buyer", "seller2", "delivered"): LONGJING,
    ("buyer", "seller2", "completed"): PUER,
    ("buyer2", "seller", "delivered"): KEYBOARD,
    ("buyer2", "seller", "completed"): SMART_WATCH,
    ("buyer2", "seller2", "delivered"): LONGJING,
    ("buyer2", "seller2", "completed"): PUER,
}
# each carrier's waybill numbers: a prefix and so many digits
CARRIERS = {
    "SF Express 顺丰": ("SF", 12),
    "ZTO Express 中通": ("7", 13),
    "YTO Express 圆通": ("YT", 13),
    "JD Logistics 京东物流": ("JDV", 12),
}


def goods_of(email: str) -> tuple:
    """The goods a shop sells (any, for a shop with no line of its own)."""
    categories = SHOP_CATEGORIES.get(email)
    return tuple(item for item in GOODS if not categories or item[1] in categories)


def tracking_number(rng: random.Random, carrier: str) -> str:
    """A waybill number in ``carrier``'s own format."""
    prefix, digits = CARRIERS[carrier]
    return f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"


def _reviewer_people(rng: random.Random) -> list[Person]:
    people = []
    for n in range(1, REVIEWER_COUNT + 1):
        if n % 3 == 0:
            name = f"{rng.choice(ENGLISH_FIRST)} {rng.choice(ENGLISH_LAST)}"
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", *GIVEN))
        # two reviewers in three also run a small shop, so panels can be balanced
        shop = f"{name}的小店 {name}'s shop" if n % 3 != 0 else None
        people.append(Person(f"reviewer{n:02d}@example.com", name, shop=shop))
    return people


class Seeder:
    """Makes demo accounts and orders. ``users_before`` and ``orders_before`` say how many
    the database already holds, so the marketplace's numbers of a later batch stay unique."""

    def __init__(self, rng: random.Random, users_before: int = 0, orders_before: int = 0):
        self.rng = rng
        self.now = clock.now()
        self.password_hash = hash_password(DEMO_PASSWORD)
        self.users_before = users_before
        self.orders_before = orders_before
        self.order_number = orders_before
        self.users: dict[str, User] = {}

    def user(self, person: Person, age_days: int) -> User:
        created = self.now - timedelta(days=age_days)
        user = User(
            email=person.email,
            display_name=person.name,
            password_hash=self.password_hash,
            marketplace_user_id=f"mkt-{self.users_before + len(self.users) + 1:05d}",
            shop_name=person.shop,
            created_at=created,
            email_verified_at=created + timedelta(hours=1),
        )
        db.session.add(user)
        self.users[person.email] = user
        return user

    def order(
        self, buyer: User, seller: User, status: OrderStatus, days_ago: int, goods=None
    ) -> Order:
        self.order_number += 1
        title, category, price = self.rng.choice(goods or goods_of(seller.email))
        quantity = self.rng.choice((1, 1, 1, 2))
        placed = self.now - timedelta(days=days_ago, hours=self.rng.randint(0, 23))
        shipped = placed + timedelta(days=1) if status is not OrderStatus.PLACED else None
        delivered = (
            placed + timedelta(days=self.rng.randint(2, 5))
            if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.REFUNDED)
            else None
        )
        if status is OrderStatus.CANCELLED:
            shipped = None
        carrier = self.rng.choice(list(CARRIERS)) if shipped else None
        order = Order(
            marketplace_order_id=f"TB{placed:%Y%m%d}{self.order_number:06d}",
            buyer=buyer,
            seller=seller,
            amount_fen=price * quantity + 1000,  # goods and shipping
            currency="CNY",
            status=status.value,
            placed_at=placed,
            shipped_at=shipped,
            delivered_at=delivered,
            carrier=carrier,
            tracking_number=tracking_number(self.rng, carrier) if carrier else None,
            items=[
                OrderItem(
                    position=1,
                    title=title,
                    category=category,
                    quantity=quantity,
                    unit_price_fen=price,
                )
            ],
        )
        db.session.add(order)
        return order


def seed_marketplace(rng_seed: int = 2026) -> dict[str, int]:
    """Create the demo marketplace in the current transaction; the caller commits."""
    rng = random.Random(rng_seed)
    seeder = Seeder(rng)
    for person in NAMED_PEOPLE:
        seeder.user(person, age_days=400)
    buyers = [seeder.users["buyer@example.com"], seeder.users["buyer2@example.com"]]
    buyers += [
        seeder.user(Person(f"shopper{n:02d}@example.com", name), age_days=rng.randint(10, 600))
        for n, name in enumerate(EXTRA_BUYERS, start=1)
    ]
    sellers = [seeder.users["seller@example.com"], seeder.users["seller2@example.com"]]
    sellers += [
        seeder.user(Person(f"shop{n:02d}@example.com", name, shop=shop), age_days=700)
        for n, (name, shop) in enumerate(EXTRA_SHOPS, start=1)
    ]
    # at least 420 days old: every reviewer was enrolled before the demo's history begins
    reviewers = [
        seeder.user(person, age_days=rng.randint(420, 1800)) for person in _reviewer_people(rng)
    ]
    db.session.flush()
    for person in NAMED_PEOPLE:
        for role in person.roles:
            grant_role(seeder.users[person.email], role, granted_by=None)

    # The two demo buyers' orders with the two demo sellers, one of every status
    statuses = list(OrderStatus)
    for buyer in buyers[:2]:
        for seller in sellers[:2]:
            for index, status in enumerate(statuses):
                pair = (buyer.email.split("@")[0], seller.email.split("@")[0], status.value)
                goods = (DEMO_ORDER_GOODS[pair],) if pair in DEMO_ORDER_GOODS else None
                seeder.order(buyer, seller, status, days_ago=3 + index * 6, goods=goods)
    # Everyday trade between the other buyers and shops
    for buyer in buyers[2:]:
        for _ in range(3):
            status = rng.choice(statuses + [OrderStatus.COMPLETED] * 3)
            seeder.order(buyer, rng.choice(sellers[2:]), status, days_ago=rng.randint(2, 200))
    # ... and a recent completed order of each shop, which the demo's cases between these
    # buyers and shops are about (``app.demo.scenario.trade_order``)
    for shop in sellers[2:]:
        seeder.order(rng.choice(buyers[2:]), shop, OrderStatus.COMPLETED, rng.randint(8, 20))
    # Reviewers: at least three completed orders each with the extra shops or each other,
    # never with the demo buyers or sellers, so they stay drawable for the demo cases
    reviewer_shops = [user for user in reviewers if user.shop_name]
    for reviewer in reviewers:
        for _ in range(rng.randint(3, 5)):
            shop = rng.choice([*sellers[2:], *reviewer_shops])
            if shop is reviewer:
                shop = sellers[2]
            seeder.order(reviewer, shop, OrderStatus.COMPLETED, days_ago=rng.randint(30, 400))
    for shop in reviewer_shops:
        for _ in range(4):
            buyer = rng.choice([r for r in reviewers if r is not shop])
            seeder.order(buyer, shop, OrderStatus.COMPLETED, days_ago=rng.randint(30, 400))
    db.session.flush()
    for reviewer in reviewers:  # enrolled long ago, practice passed
        activated = reviewer.created_at + timedelta(days=30)
        db.session.add(
            Reviewer(
                user=reviewer,
                status=ReviewerStatus.ACTIVE.value,
                enrolled_at=activated - timedelta(days=1),
                activated_at=activated,
                practice_answered=5,
                practice_correct=rng.choice((4, 5)),
            )
        )
    for shop in [*sellers, *reviewer_shops]:  # every shop keeps a deposit with the platform
        pay_in(shop, DEMO_DEPOSIT_FEN, "Deposit paid on joining the marketplace")
    return {"users": len(seeder.users), "orders": seeder.order_number - seeder.orders_before}
