"""What the people of the demo's history write: claims, answers, reasons and comments, in
Chinese and English as a bilingual marketplace writes them."""

from app.cases.states import ClaimType

DESCRIPTIONS = {
    ClaimType.NOT_RECEIVED: (
        "物流显示已签收，但我从未收到包裹。Tracking says delivered; nothing arrived.",
        "The parcel has been stuck at the sorting centre for eleven days.",
        "快递一直没有更新，商家也不回复。No tracking update and no reply from the shop.",
    ),
    ClaimType.NOT_AS_DESCRIBED: (
        "颜色和图片完全不一样。The colour is nothing like the photos.",
        "The size chart says M fits 170 cm; it fits a child.",
        "商品描述写的是纯棉，实际是化纤。Listed as pure cotton; it is polyester.",
        "The model number on the box is an older one than listed.",
    ),
    ClaimType.COUNTERFEIT: (
        "防伪码查询无效，怀疑是假货。The anti-counterfeit code does not verify.",
        "The logo stitching and the serial number do not match the brand's.",
        "包装上的生产日期和批号对不上。The batch number and date on the box disagree.",
    ),
    ClaimType.DAMAGED_IN_TRANSIT: (
        "外箱破损，里面的东西摔坏了。The outer box was torn and the item broken.",
        "Arrived with a cracked corner and a dented frame.",
        "快递压坏了，玻璃碎了。Crushed by the courier; the glass is shattered.",
    ),
    ClaimType.LATE_DELIVERY: (
        "承诺48小时发货，一周后才发。Promised dispatch in 48 h; shipped after a week.",
        "Ordered for a birthday with guaranteed delivery; it came four days late.",
    ),
    ClaimType.FALSE_ADVERTISING: (
        "宣传说续航30小时，实测不到10小时。Advertised 30 h of battery; it lasts under 10.",
        "The listing promised a free gift with every order; none came.",
        "页面写着“有机认证”，但没有任何证书。Sold as certified organic; no certificate.",
    ),
    ClaimType.SERVICE_ATTITUDE: (
        "客服态度很差，多次不回复。Customer service was rude and stopped answering.",
        "The shop's agent insulted me when I asked about the warranty.",
    ),
    ClaimType.RETURN_EXCHANGE: (
        "七天无理由退货被拒绝。The shop refused a seven-day no-reason return.",
        "I sent it back for an exchange three weeks ago; no replacement and no refund.",
        "退货已签收，商家迟迟不退款。They signed for my return but never refunded.",
    ),
}

# the descriptions that only fit some goods, and the categories they fit; every other
# description fits any order
DESCRIBES = {
    "The size chart says M fits 170 cm; it fits a child.": ("clothing",),
    "商品描述写的是纯棉，实际是化纤。Listed as pure cotton; it is polyester.": ("clothing",),
    "The model number on the box is an older one than listed.": ("electronics", "home"),
    "The logo stitching and the serial number do not match the brand's.": ("clothing", "sports"),
    "快递压坏了，玻璃碎了。Crushed by the courier; the glass is shattered.": (
        "electronics",
        "home",
    ),
    "Arrived with a cracked corner and a dented frame.": ("electronics", "home", "toys"),
    "宣传说续航30小时，实测不到10小时。Advertised 30 h of battery; it lasts under 10.": (
        "electronics",
    ),
    "页面写着“有机认证”，但没有任何证书。Sold as certified organic; no certificate.": ("food",),
}


def fits(description: str, category: str) -> bool:
    """Whether a claim's description can be about goods of ``category``."""
    return category in DESCRIBES.get(description, (category,))


CONTESTS = (
    "发货前我们检查过，商品完好。We checked the item before shipping; it was perfect.",
    "The listing describes the item exactly; the buyer changed their mind.",
    "我们有出库视频，包装完好。Our packing video shows the parcel intact.",
    "The courier confirmed delivery to the buyer's building.",
    "The photos in the listing are of this exact batch.",
)
BUYER_REBUTTALS = (
    "我拆箱时全程录像了，问题一开始就存在。I filmed the unboxing; the fault was there.",
    "The courier's own record shows the parcel was left outside in the rain.",
    "Other buyers left reviews describing the same problem.",
    "商家的聊天记录里承认了问题。The shop admitted the problem in our chat.",
)
COUNTER_OFFERS = (
    "非常抱歉，我们补偿部分货款，您看可以吗？Sorry: we can refund part of the price.",
    "We can offer a partial refund and you keep the item.",
    "Apologies for the trouble; here is a goodwill payment.",
)
RATIONALES = (
    "Both timelines agree the item arrived damaged; the courier is the seller's choice.",
    "The listing's photos and the buyer's photos differ in colour and size.",
    "The seller's packing video does not show the item that was delivered.",
    "双方证据显示商品与描述不符，部分退款较为公平。The item differs from the listing; a "
    "partial refund is fair.",
    "The buyer's evidence does not show a fault beyond normal wear.",
    "The tracking record shows delivery to the buyer's own locker.",
)
PANEL_SUMMARY = (
    "The buyer says the goods differ from the listing; the seller says the listing was "
    "accurate and the buyer's evidence shows normal variation."
)
PANEL_QUESTION = "Should the buyer receive the remedy they asked for?"
FOR_BUYER_REASONS = (
    "The buyer's photos clearly show the defect described in the claim.",
    "买家的照片清楚显示了问题，卖家的解释不成立，应当支持买家。",
    "The seller's own listing promised more than was delivered.",
    "聊天记录显示卖家承认了问题，却没有给出任何解决方案。",
    "The tracking record and the photos together support the buyer's account.",
    "开箱视频从拆封开始一镜到底，问题在收货时就已经存在。",
    "The seller answered with a template and never addressed the buyer's evidence.",
    "卖家的出库视频看不清商品本身，不能证明发出的商品是完好的。",
    "Buying once and complaining in detail within a day is not how people abuse returns.",
    "商品页面的图片和实物差别太大，换作我也会要求退款。",
    "The seller's documents are about a different batch from the one the buyer received.",
    "买家的要求没有超出订单金额，也符合平台规则，我支持买家。",
)
FOR_SELLER_REASONS = (
    "The buyer's evidence does not show anything beyond what the listing described.",
    "卖家的出库视频清楚完整，买家的证据无法证明问题出在卖家。",
    "The delivery record shows the parcel reached the buyer intact.",
    "商品描述写得很清楚，买家的要求超出了页面承诺的范围。",
    "The buyer's photos were taken weeks after delivery; wear explains what they show.",
    "物流签收记录完整，签收时买家没有提出任何异议。",
    "The listing states the variation clearly, in the title and again in the photos.",
    "买家只提供了一张模糊的照片，看不出商品有任何问题。",
    "The seller offered a fair exchange at once and the buyer refused it.",
    "卖家提供了进货凭证和质检报告，我认为商品是正品。",
    "Nothing in the chat shows the seller promised what the buyer now asks for.",
    "买家的说法前后不一致，先说没收到，后来又说收到的是坏的。",
)
APPEAL_REASONS = (
    "The panel overlooked the courier's record, which shows the damage happened before delivery.",
    "评审员没有注意到我提交的开箱视频，请重新审理这个案件。",
    "The verdict ignores that the listing was changed after my order.",
)
PROOFS = (
    "已通过支付宝退款，流水号见截图。Refunded through Alipay.",
    "Refund sent through the marketplace's wallet.",
    "Paid by bank transfer; reference attached.",
    "Replacement shipped by SF Express.",
    "补偿已转账。Compensation transferred.",
)
# what a buyer writes on shipping a return, and the carrier the waybill number is of
RETURN_PROOFS = (
    ("已寄回，顺丰单号见下。Sent back by SF Express.", "SF Express 顺丰"),
    ("Returned by ZTO Express with the original packaging.", "ZTO Express 中通"),
    ("已通过圆通寄回，请查收。Sent back with YTO Express.", "YTO Express 圆通"),
)
RECEIPT_PROOFS = ("Return received and checked.", "退货已收到，商品完好。Return received.")

BUYER_COMMENTS_HAPPY = (
    "处理很快，很公平。Fast and fair.",
    "The mediator explained every step. Thank you!",
    "没想到这么快就解决了，点赞。",
    "Clear deadlines and I got my money back.",
    "Fair outcome, though it took a few days.",
)
BUYER_COMMENTS_UNHAPPY = (
    "等太久了，而且结果不公平。Took too long and the result is unfair.",
    "The reviewers did not look at my video.",
    "I lost the claim because I missed one deadline; the reminder came too late.",
    "结果我不能接受。",
)
SELLER_COMMENTS_HAPPY = (
    "过程透明，评审很认真。Transparent process.",
    "The panel looked at our evidence properly.",
    "Quick decision, no drama.",
)
SELLER_COMMENTS_UNHAPPY = (
    "The buyer's story was accepted without proof.",
    "扣保证金之前应该先电话联系我们。",
    "Too much favour to buyers.",
)
