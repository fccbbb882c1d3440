"""The people of the demo's history: long-standing buyers and shops who trade only with each
other, so every reviewer stays drawable for their panels."""

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.auth.models import User
from app.cases.services import Claim
from app.cases.states import ClaimType
from app.core import clock
from app.core.extensions import db
from app.demo.history.words import fits
from app.demo.marketplace import DEMO_DEPOSIT_FEN, GOODS, Person, Seeder
from app.execution.ledger import pay_in
from app.orders.models import Order, OrderStatus

HISTORY_BUYERS = (
    "郑浩 Zheng Hao",
    "Sophie Clarke",
    "何雪 He Xue",
    "Oliver Reed",
    "罗斌 Luo Bin",
    "Isla Murphy",
    "谢婷 Xie Ting",
    "Leo Fischer",
    "韩梅 Han Mei",
    "Ruby Patel",
    "唐明 Tang Ming",
    "Zoe Bennett",
    "冯佳 Feng Jia",
    "Max Schneider",
)
# (owner, shop, the categories of goods it sells)
HISTORY_SHOPS = (
    ("钱浩 Qian Hao", "极客数码 Geek Digital", ("electronics",)),
    ("Nora Hughes", "Urban Thread 城市织物", ("clothing",)),
    ("邓芳 Deng Fang", "春茶铺 Spring Tea", ("food",)),
    ("Liam O'Brien", "Glow Lab 光彩实验室", ("beauty",)),
    ("曹阳 Cao Yang", "童趣玩具 Fun Toys", ("toys",)),
    ("Alice Moreau", "Casa Living 家居生活", ("home",)),
    ("彭亮 Peng Liang", "户外之家 Outdoor House", ("sports", "clothing")),
    ("许静 Xu Jing", "静好数码 Calm Digital", ("electronics", "home")),
)


@dataclass(frozen=True)
class Shop:
    owner: User
    goods: tuple


@dataclass(frozen=True)
class HistoryPeople:
    buyers: list[User]
    shops: list[Shop]
    seeder: Seeder


def seed_history_people(rng: random.Random) -> HistoryPeople:
    """Create the history's buyers and shops, each shop with its deposit, long before the
    history begins."""
    seeder = Seeder(
        rng,
        users_before=db.session.scalar(select(func.count(User.id))),
        orders_before=db.session.scalar(select(func.count(Order.id))),
    )
    buyers = [
        seeder.user(Person(f"customer{n:02d}@example.com", name), age_days=rng.randint(400, 900))
        for n, name in enumerate(HISTORY_BUYERS, start=1)
    ]
    shops = [
        Shop(
            seeder.user(Person(f"store{n:02d}@example.com", name, shop=shop), age_days=900),
            tuple(item for item in GOODS if item[1] in categories),
        )
        for n, (name, shop, categories) in enumerate(HISTORY_SHOPS, start=1)
    ]
    db.session.flush()
    for shop in shops:
        with clock.frozen_at(shop.owner.created_at):
            pay_in(shop.owner, DEMO_DEPOSIT_FEN, "Deposit paid on joining the marketplace")
            db.session.flush()
    return HistoryPeople(buyers, shops, seeder)


def history_order(
    people: HistoryPeople, buyer: User, shop: Shop, placed_by: datetime, claim: Claim
) -> Order:
    """An order of ``shop``'s goods that ``claim`` can be about, placed a day or so before
    ``placed_by``: completed, or still in transit when the claim is that it never arrived."""
    days_ago = (people.seeder.now - placed_by).days + 1
    status = (
        OrderStatus.SHIPPED if claim.claim_type is ClaimType.NOT_RECEIVED else OrderStatus.COMPLETED
    )
    with clock.frozen_at(placed_by):  # imported from the marketplace as it was placed
        goods = tuple(item for item in shop.goods if fits(claim.description, item[1]))
        order = people.seeder.order(buyer, shop.owner, status, days_ago, goods)
        db.session.flush()
    return order
