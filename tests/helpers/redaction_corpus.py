"""Personal details written the way people write them to get past a filter, each in a
sentence a party might send, with the secrets it must not leak to a reviewer; texts that
must reach the reviewer whole; and the check that a text leaks none of a list of secrets,
in any of their normalised forms."""

import html
import re
from dataclasses import dataclass

from app.jury.redaction.normalise import normalise

BUYER = {
    "name": "林晓雨 Lin Xiaoyu",
    "email": "xiaoyu.lin88@qq.com",
    "marketplace_user_id": "tb_xiaoyu88",
    "shop_name": None,
}
SELLER = {
    "name": "周明远 Zhou Mingyuan",
    "email": "zhou.mingyuan@greenleaf.cn",
    "marketplace_user_id": "greenleaf_official",
    "shop_name": "Green Leaf Tea House 绿叶茶社",
}
ORDER_ID = "TB20241101889977"
TRACKING = "SF1402938475611"
PHONE = "13812345678"
LANDLINE = "02162345678"


@dataclass(frozen=True)
class Hostile:
    kind: str
    label: str
    text: str
    secrets: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.label}"


def _group(kind: str, *variants: tuple[str, str, tuple[str, ...]]) -> list[Hostile]:
    return [Hostile(kind, label, text, secrets) for label, text, secrets in variants]


HOSTILE: list[Hostile] = [
    *_group(
        "phone",
        ("full-width-after-chinese", "我的电话１３８１２３４５６７８，随时联系", (PHONE,)),
        ("full-width-dashes", "电话：１３８－１２３４－５６７８，晚上打", (PHONE,)),
        ("dotted", "Call me on 138.1234.5678 after 6pm.", (PHONE,)),
        ("chinese-digits", "手机一三八一二三四五六七八，麻烦尽快", (PHONE,)),
        ("informal-yao", "打我电话幺三八幺二三四五六七八就行", (PHONE,)),
        ("informal-liang-dong", "号码是幺三九两洞洞八七六五四，别打错", ("13920087654",)),
        ("single-spaced-digits", "1 3 8 1 2 3 4 5 6 7 8 打这个", (PHONE,)),
        ("split-after-the-first-digit", "电话 1-38 1234 5678 找我", (PHONE,)),
        ("country-code", "WhatsApp +86 138 1234 5678 please", (PHONE,)),
        ("mixed-numerals", "联系138一二三四5678", (PHONE,)),
        ("slashes", "手机 138/1234/5678 白天在", (PHONE,)),
        ("em-dashes", "电话138—1234—5678", (PHONE,)),
        ("middle-dots", "电话138·1234·5678", (PHONE,)),
        ("zero-width-spaces", "电话138\u20031234\u200b5678", (PHONE,)),
        ("circled-digits", "电话①③⑧①②③④⑤⑥⑦⑧", (PHONE,)),
        ("keycap-emoji", "电话1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", (PHONE,)),
        ("mathematical-bold", "手机𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", (PHONE,)),
        ("financial-numerals", "电话壹叁捌壹贰叁肆伍陆柒捌", (PHONE,)),
        ("enumeration-commas", "电话 138、1234、5678", (PHONE,)),
        ("double-zero-prefix", "打 0086-138-1234-5678", (PHONE,)),
        ("landline-full-width", "座机０２１－６２３４５６７８找前台", (LANDLINE,)),
        ("landline-brackets", "Office phone (021) 6234 5678.", (LANDLINE,)),
    ),
    *_group(
        "email",
        ("full-width-at", "邮箱 xiaoyu.lin88＠qq.com 收发票", ("xiaoyu.lin88",)),
        ("at-dot-words", "write to xiaoyu.lin88 at qq dot com", ("xiaoyu.lin88",)),
        ("chinese-at-dot", "发到xiaoyu.lin88艾特qq点com", ("xiaoyu.lin88",)),
        ("bracketed", "mail: xiaoyu.lin88(at)qq[dot]com", ("xiaoyu.lin88",)),
        ("spaced-brackets", "mail xiaoyu.lin88 [at] qq [dot] com", ("xiaoyu.lin88",)),
        ("quan-a", "邮箱xiaoyu.lin88圈aqq点com", ("xiaoyu.lin88",)),
        ("all-full-width", "ｘｉａｏｙｕ．ｌｉｎ８８＠ｑｑ．ｃｏｍ", ("xiaoyu.lin88",)),
        ("upper-case", "XIAOYU.LIN88@QQ.COM is mine", ("xiaoyu.lin88",)),
        ("third-party-163", "售后请发到 kefu2024(at)163[dot]com", ("kefu2024",)),
        ("third-party-braces", "或者 refund.team{at}sina{dot}cn 也可以", ("refund.team",)),
    ),
    *_group(
        "order",
        ("full-width", "订单ＴＢ２０２４１１０１８８９９７７有问题", (ORDER_ID, "20241101889977")),
        ("dashes", "Order TB-2024-1101-8899-77 arrived broken.", ("20241101889977",)),
        ("spaces", "订单 TB 2024 1101 8899 77 的货", ("20241101889977",)),
        ("digits-only", "订单号20241101889977，请查", ("20241101889977",)),
        ("chinese-digits", "订单号二零二四一一零一八八九九七七", ("20241101889977",)),
        ("dots", "单号是TB.2024.1101.889977", ("20241101889977",)),
        ("another-order", "上一单订单号：E2023 0517 3345 21 也坏了", ("20230517334521",)),
    ),
    *_group(
        "tracking",
        ("full-width", "顺丰单号ＳＦ１４０２９３８４７５６１１", ("1402938475611",)),
        ("spaced", "Parcel SF 1402 9384 7561 1 was late.", ("1402938475611",)),
        ("lower-case-dashes", "tracking sf-1402-9384-75611", ("1402938475611",)),
        ("chinese-digits", "运单号SF一四零二九三八四七五六一一", ("1402938475611",)),
        ("unknown-carrier", "中通快递 7859 4412 0036 5521 没更新", ("7859441200365521",)),
        ("unknown-prefixed", "退货走的 YT 9988 7766 5544 3", ("9988776655443",)),
    ),
    *_group(
        "address",
        ("full", "寄到上海市长宁区天山路123号5栋2单元302室", ("天山路", "5栋2单元", "302室")),
        (
            "chinese-numerals",
            "地址：上海市长宁区天山路二十三号五栋二单元三零二室",
            ("天山路", "23号", "302室"),
        ),
        ("full-width-number", "天山路１２３号门口", ("天山路", "123号")),
        ("building-name", "北京市朝阳区建国路88号SOHO现代城A座1808室", ("建国路", "1808室")),
        ("lane", "放在长宁路1158弄7号楼1201室门口", ("长宁路", "1158弄", "1201室")),
        ("estate", "阳光花园小区3栋2单元501", ("阳光花园", "2单元501")),
        ("subdistrict", "浙江省杭州市余杭区五常街道文一西路969号", ("文一西路", "969号")),
        ("lane-and-room", "天山路123弄45号601", ("天山路", "45号601")),
        ("avenue", "深圳市南山区科技园南区深南大道10000号", ("深南大道", "10000号")),
        ("english-street", "Send it to 12 Baker Street, London.", ("baker",)),
        ("english-flat", "Flat 3, 221B Baker Street", ("221b", "baker")),
    ),
    *_group(
        "name",
        ("spaced-chinese", "林 晓 雨说东西坏了", ("林晓雨",)),
        ("dashed-chinese", "买家林-晓-雨不接受", ("林晓雨",)),
        ("given-name", "晓雨不同意这个方案", ("晓雨",)),
        ("full-width-latin", "Ｌｉｎ　Ｘｉａｏｙｕ wrote twice", ("xiaoyu",)),
        ("upper-case", "XIAOYU LIN never replied", ("xiaoyu",)),
        ("spaced-latin", "X i a o y u said so", ("xiaoyu",)),
        ("middle-dots", "卖家周·明·远说会退", ("周明远",)),
        ("seller-given-name", "明远说会退款", ("明远",)),
        ("spaced-pinyin", "ZHOU M I N G Y U A N", ("mingyuan",)),
        ("accented-pinyin", "Míngyuǎn promised a refund", ("mingyuan",)),
        ("joined-pinyin", "买家linxiaoyu说没收到", ("linxiaoyu",)),
        ("reversed-pinyin", "XiaoyuLin said so", ("xiaoyulin",)),
    ),
    *_group(
        "shop",
        ("chinese-name", "绿叶茶社发来的是旧茶", ("绿叶",)),
        ("chinese-brand", "绿叶家的客服不理人", ("绿叶",)),
        ("latin-brand", "Green Leaf said no refund.", ("green leaf",)),
        ("joined", "GreenLeaf customer service was rude.", ("greenleaf",)),
        ("full-width", "Ｇｒｅｅｎ　Ｌｅａｆ 不退", ("green leaf",)),
        ("capitalised-word", "Leaf Tea House never answered.", ("leaf",)),
        ("spaced-chinese", "绿 叶 茶 社 不发货", ("绿叶",)),
        ("chinese-with-suffix", "绿叶茶社官方旗舰店的货", ("绿叶",)),
    ),
    *_group(
        "account",
        ("wxid", "加我微信：wxid_a1b2c3d4e5", ("wxid_a1b2c3d4e5",)),
        ("wechat-number", "微信号 abc_123 私聊", ("abc_123",)),
        ("vx", "vx: lin_xy_88", ("lin_xy_88",)),
        ("v-xin", "v信 xiaoyu2024 加一下", ("xiaoyu2024",)),
        ("full-width-vx", "VX：ＬＸＹ８８８８", ("lxy8888",)),
        ("jia-v", "加v lxy_2024", ("lxy_2024",)),
        ("qq", "QQ 2851234567 在线", ("2851234567",)),
        ("qq-chinese-digits", "扣扣：二八五一二三四五六七", ("2851234567",)),
        ("handle", "@greenleaf_official on Weibo said sorry", ("greenleaf_official",)),
        ("weibo", "微博 greenleaf_tea 有公告", ("greenleaf_tea",)),
        ("weibo-chinese", "微博@绿叶茶社官方 发了声明", ("绿叶",)),
        ("douyin", "抖音号：lvye_tea2023", ("lvye_tea2023",)),
        ("wechat-english", "WeChat: lin-xiaoyu-88", ("lin-xiaoyu-88",)),
        ("wei-xin-pinyin", "wei xin: abc_123", ("abc_123",)),
        ("weibo-english", "Find them on Weibo greenleaf_tea88 if you like", ("greenleaf_tea88",)),
        ("marketplace-account", "我的淘宝号 tb_xiaoyu88", ("tb_xiaoyu88",)),
    ),
    *_group(
        "web",
        ("shop-site", "店铺网址 www.greenleaf.cn 上写着包退", ("greenleaf",)),
        ("chinese-dot", "去greenleaf点cn看", ("greenleaf",)),
        ("url-with-path", "See https://greenleaf.cn/refund?id=123", ("greenleaf",)),
        ("www-chinese-dots", "www点greenleaf点cn", ("greenleaf",)),
        ("dot-word", "the site greenleaf dot cn says so", ("greenleaf",)),
        ("full-width", "ｗｗｗ．ｇｒｅｅｎｌｅａｆ．ｃｎ", ("greenleaf",)),
        ("short-link", "链接 http://t.cn/A6xyz12 打开", ("a6xyz12",)),
        ("other-domain", "在 lvcha-shop.com 上买的", ("lvcha-shop",)),
        ("marketplace-shop", "https://shop.taobao.com/greenleaf-tea", ("greenleaf",)),
        ("spaced-dots", "网址 www . greenleaf . cn", ("greenleaf",)),
    ),
    *_group(
        "postcode",
        ("plain", "邮编200050", ("200050",)),
        ("chinese-digits", "邮编：二零零零五零", ("200050",)),
        ("spaced", "邮政编码 200 050", ("200050",)),
        ("english", "postcode 200050", ("200050",)),
    ),
]

# what a party writes that is no one's personal detail: it reaches the reviewer unchanged
BENIGN = [
    "2024-11-03 收到货，14:30 拆开发现坏了。",
    "退款 35 元，3 天内到账。",
    "收到 2 件，少了 1 件。",
    "尺码 42码 偏小，脚长 26.5cm。",
    "好评率 98%，型号 A1234，另一款 XR-500。",
    "订单金额 ¥1,299.00，满 200 减 30。",
    "11月3号发货，11月8号才到，等了 72 小时。",
    "2024年11月3日签收；发货时间 2024.11.03 15:20，签收 2024/11/05。",
    "订单在 11/03/2024 下的。",
    "The box arrived on 2024-11-03 at 14:05 with 2 items missing.",
    "I was at home all day; please refund 35 yuan within 3 days.",
    "The tea leaf smelled old and the green tea was stale.",
    "茶叶是绿色的，味道不对。",
    "快递员说放在门口了，我知道后马上去拿。",
    "iPhone 15 Pro 256GB，屏幕 6.1 英寸，版本 v2.1.3。",
    "Meet at the station at 3pm.",
    "电话联系不上，三天内退款。",
    "两个杯子都碎了，一百二十元。",
    "用了一个月，第二次坏了。",
    "customer service was rude; 客服说7天无理由退货。",
    "放在3楼前台，快递放在2号柜。",
    "在北京出差三天，路上耽误了。",
    "包装上写着 Made in China（中国制造）。",
    "我们小区的快递点关门了！",
    "The order number is on the receipt; tracking shows 3 scans.",
    "It was done. Me and my wife checked it twice.",
    "The shop on Weibo said sorry; my WeChat was down that day.",
    "用微信 app 付款的。The vx reply came late.",
    "The batch number on my cake is 2023-1102, not 20240611.",
]

SEPARATOR_CHARS = " -./_·,:|*'’()[]、"
SEPARATORS = "[" + re.escape(SEPARATOR_CHARS) + "]{0,3}"


def page_text(shown: str) -> str:
    """What a reader of ``shown`` (HTML or text) reads, normalised and in lower case."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", shown))
    return normalise(text).text.lower()


def leaks(secrets, shown: str) -> list[str]:
    """The ``secrets`` found in ``shown`` in any of their forms: full-width or not, Chinese
    numerals or digits, upper or lower case, with separators between their characters."""
    text = page_text(shown)
    return [secret for secret in secrets if _secret_pattern(secret).search(text)]


def _secret_pattern(secret: str) -> re.Pattern:
    chars = [char for char in normalise(secret).text.lower() if char not in SEPARATOR_CHARS]
    body = SEPARATORS.join(re.escape(char) for char in chars)
    return re.compile(_bound(chars[0], "(?<!{})") + body + _bound(chars[-1], "(?!{})"))


def _bound(char: str, around: str) -> str:
    """A secret is found as a whole: a word not inside a longer word, a number not inside a
    longer number (the digits of ``TB2024…`` are found after its letters)."""
    if char.isascii() and char.isalpha():
        return around.format("[a-z]")
    return around.format("[0-9]") if char.isascii() and char.isdigit() else ""
