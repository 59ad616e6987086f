//! Invented names for the demo's residents and the people who serve. Hohhot is a Han city
//! with large Mongol and Hui minorities, and 回民区 is the Hui district, so a list of only the
//! commonest Han names would look wrong to anyone who knows the place. Given names follow
//! the fashions of the decade of birth, which is what makes an old 家属楼 read as old.

use fengqiao_domain::privacy::Gender;
use rand::Rng;
use rand::rngs::StdRng;

/// Names printed in the seed article, its people and its reporters. The demo is synthetic:
/// a generated name that contains one of these is drawn again.
pub const ARTICLE_NAMES: [&str; 13] =
    ["吕方", "霍文云", "肖建华", "小李", "朱阿姨", "祁晓燕", "云静波", "阿柔娜", "刘沙沙", "梁良", "梁婧婧", "冯丽君", "刘丽霞"];

/// Where a family's names come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Han,
    Hui,
    Mongol,
}

/// Weights are rough per-mille frequencies for north China: 王李张刘 lead, 赵高郭韩贾郝乔闫 are
/// more common than nationally, and 云 is the old Tümed Mongol surname of Hohhot.
const HAN_SURNAMES: &[(&str, u32)] = &[
    ("王", 80), ("李", 75), ("张", 70), ("刘", 60), ("陈", 30), ("杨", 30), ("赵", 30), ("黄", 12),
    ("周", 15), ("吴", 14), ("高", 22), ("郭", 20), ("韩", 16), ("马", 16), ("孙", 18), ("贾", 12),
    ("郝", 12), ("乔", 8), ("闫", 9), ("徐", 10), ("胡", 10), ("朱", 9), ("林", 5), ("何", 6),
    ("罗", 5), ("梁", 7), ("宋", 9), ("郑", 7), ("谢", 5), ("唐", 5), ("冯", 7), ("于", 9),
    ("董", 8), ("程", 6), ("曹", 7), ("袁", 5), ("邓", 4), ("许", 6), ("苏", 6), ("卢", 4),
    ("蒋", 4), ("蔡", 4), ("丁", 5), ("魏", 6), ("薛", 5), ("叶", 3), ("杜", 6), ("范", 5),
    ("田", 7), ("任", 6), ("姜", 5), ("石", 6), ("姚", 4), ("康", 5), ("武", 7), ("侯", 6),
    ("孟", 5), ("秦", 4), ("白", 8), ("崔", 5), ("常", 6), ("史", 5), ("云", 6), ("荣", 3),
    ("牛", 4), ("齐", 4), ("温", 4), ("段", 4), ("雷", 3), ("尹", 3), ("霍", 3), ("邢", 3),
];

const HUI_SURNAMES: &[(&str, u32)] = &[
    ("马", 60), ("白", 18), ("杨", 12), ("丁", 10), ("穆", 8), ("哈", 6), ("沙", 6), ("海", 5),
    ("纳", 4), ("米", 4), ("金", 6), ("冶", 3), ("锁", 2), ("虎", 3), ("兰", 3), ("拜", 2),
    ("李", 8), ("王", 8), ("张", 6),
];

/// Many Mongols use the given name alone; others carry a Chinese surname chosen long ago.
const MONGOL_SURNAMES: &[(&str, u32)] =
    &[("", 50), ("包", 15), ("白", 10), ("云", 10), ("奇", 6), ("宝", 5), ("鲍", 4), ("韩", 4), ("那", 3), ("荣", 3)];

const MONGOL_MALE: &[&str] = &[
    "巴特尔", "额尔敦", "朝鲁", "宝音", "那仁", "阿拉坦", "巴图", "孟和", "毕力格", "苏和", "格日勒图", "敖其尔",
    "铁木尔", "呼和", "达来", "布和", "乌力吉", "特古斯", "哈斯", "满都拉", "扎那", "额尔德木图", "图门", "吉日嘎拉",
];
const MONGOL_FEMALE: &[&str] = &[
    "乌云", "其其格", "斯琴", "苏日娜", "乌兰", "图雅", "萨仁", "格日乐", "敖登", "娜仁", "托娅", "高娃",
    "塔娜", "萨日娜", "乌日娜", "其木格", "诺敏", "斯琴高娃", "乌云毕力格", "阿古拉", "琪琪格", "额尔登其其格",
];

/// Born before 1966.
const OLD_MALE: &[&str] = &[
    "建国", "国庆", "德明", "文华", "玉山", "振海", "世杰", "福生", "宝成", "永福", "长顺", "志远", "树林", "广义",
    "保国", "振华", "凤岐", "殿臣", "学礼", "俊", "忠", "明", "林", "祥", "厚德", "万山", "有才", "占奎",
];
const OLD_FEMALE: &[&str] = &[
    "秀英", "桂英", "玉兰", "淑珍", "桂兰", "秀兰", "凤英", "玉珍", "淑华", "美兰", "秀珍", "桂芝", "素芬", "翠花",
    "兰英", "玉梅", "淑琴", "凤兰", "金花", "秀云", "桂珍", "淑英", "玉英", "改莲", "二女", "俊英", "润梅", "巧玲",
];
/// Born 1966–1989.
const MID_MALE: &[&str] = &[
    "伟", "勇", "军", "强", "磊", "涛", "斌", "鹏", "海涛", "建军", "志刚", "晓东", "永强", "俊峰", "海军", "卫东",
    "红军", "利民", "旭东", "宏伟", "志勇", "东升", "国华", "文斌", "小平", "海波", "振宇", "立新", "宝军", "二虎",
];
const MID_FEMALE: &[&str] = &[
    "丽", "敏", "静", "燕", "艳", "娟", "霞", "红梅", "丽华", "海燕", "春梅", "丽娜", "婷", "晓红", "慧敏", "丽萍",
    "彩霞", "雪梅", "玉洁", "晓梅", "美玲", "秀梅", "红霞", "艳芳", "建英", "利平", "亚楠", "丽君", "晓丽", "凤霞",
];
/// Born 1990 and later.
const YOUNG_MALE: &[&str] = &[
    "浩然", "子轩", "宇航", "俊杰", "一鸣", "梓豪", "博文", "天佑", "皓轩", "睿", "昊", "宇", "子涵", "思远", "泽宇",
    "嘉豪", "明轩", "家乐", "晨阳", "奕辰", "锦程", "文博", "浩宇", "梓睿", "一航", "志豪", "昊天", "子墨",
];
const YOUNG_FEMALE: &[&str] = &[
    "欣怡", "梓涵", "诗涵", "雨桐", "佳怡", "思琪", "可欣", "若曦", "一诺", "雨欣", "语嫣", "梦瑶", "紫萱", "心怡",
    "佳琪", "婧怡", "思雨", "晨曦", "雅静", "梓萱", "欣妍", "沐晴", "若彤", "悦然", "钰涵", "子琪", "安琪", "芷若",
];

fn weighted<'a>(rng: &mut StdRng, list: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = list.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (s, w) in list {
        if pick < *w {
            return s;
        }
        pick -= w;
    }
    list[list.len() - 1].0
}

fn one<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// A family surname; empty for a Mongol family that uses given names only.
pub fn surname(rng: &mut StdRng, origin: Origin) -> &'static str {
    match origin {
        Origin::Han => weighted(rng, HAN_SURNAMES),
        Origin::Hui => weighted(rng, HUI_SURNAMES),
        Origin::Mongol => weighted(rng, MONGOL_SURNAMES),
    }
}

/// A given name in the fashion of the birth year. Mongol given names did not follow the
/// Chinese fashions, so they come from one list for every generation.
fn given(rng: &mut StdRng, origin: Origin, gender: Gender, birth_year: i32) -> &'static str {
    let lists = match (origin, gender) {
        (Origin::Mongol, Gender::Male) => return one(rng, MONGOL_MALE),
        (Origin::Mongol, Gender::Female) => return one(rng, MONGOL_FEMALE),
        (_, Gender::Male) => [OLD_MALE, MID_MALE, YOUNG_MALE],
        (_, Gender::Female) => [OLD_FEMALE, MID_FEMALE, YOUNG_FEMALE],
    };
    let era = match birth_year {
        ..1966 => 0,
        1966..1990 => 1,
        _ => 2,
    };
    // Fashions overlap at the edges of each era.
    let era = match rng.random_range(0..10) {
        0 if era > 0 => era - 1,
        1 if era < 2 => era + 1,
        _ => era,
    };
    one(rng, lists[era])
}

/// A full name with the family surname. A Mongol without a family surname gets a bare given
/// name, so never a one-character "name".
pub fn full_name(rng: &mut StdRng, origin: Origin, surname: &str, gender: Gender, birth_year: i32) -> String {
    loop {
        let name = format!("{surname}{}", given(rng, origin, gender, birth_year));
        if name.chars().count() >= 2 && !from_the_article(&name) {
            return name;
        }
    }
}

/// A name for someone whose family is not modelled (grid workers, advisers, cadres).
pub fn anyone(rng: &mut StdRng, gender: Gender, birth_year: i32) -> String {
    let origin = match rng.random_range(0..100) {
        0..8 => Origin::Mongol,
        8..20 => Origin::Hui,
        _ => Origin::Han,
    };
    let s = surname(rng, origin);
    full_name(rng, origin, s, gender, birth_year)
}

pub fn from_the_article(name: &str) -> bool {
    ARTICLE_NAMES.iter().any(|a| name.contains(a))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn names_are_plausible_and_never_the_articles() {
        let mut rng = StdRng::seed_from_u64(7);
        for i in 0..20_000 {
            let gender = if i % 2 == 0 { Gender::Male } else { Gender::Female };
            let name = anyone(&mut rng, gender, 1930 + i % 90);
            assert!((2..=8).contains(&name.chars().count()), "{name}");
            assert!(!from_the_article(&name), "{name}");
            assert!(fengqiao_domain::privacy::PersonName::parse(&name).is_ok(), "{name}");
        }
        // The article's own names are caught, even inside a longer one.
        assert!(from_the_article("霍文云") && from_the_article("王小李"));
    }
}
