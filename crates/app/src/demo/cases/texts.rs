//! What the demo's cases say: a title and a description per category, in the words a grid
//! worker would write down.

use rand::Rng;
use rand::rngs::StdRng;

/// (category prefix, titles, what the applicant says); the longest matching prefix wins.
const TEXTS: &[(&str, &[&str], &str)] = &[
    ("neighbour.noise", &["楼上夜间噪音扰民", "邻居装修噪音纠纷", "广场舞音响扰民"], "夜间噪音影响休息，多次沟通未果，请求社区协调。"),
    ("neighbour.water_leak", &["楼上漏水致楼下天花板受损", "卫生间渗水邻里纠纷", "暖气管漏水殃及邻居"], "楼上漏水导致家中墙面、吊顶受损，双方就维修和赔偿有分歧。"),
    ("neighbour.shared_space", &["楼道堆放杂物引发争执", "占用公共绿地种菜", "私装地锁占用车位"], "邻居长期占用公共空间，影响通行，双方发生口角。"),
    ("property_management.fees", &["业主拒缴物业费纠纷", "物业费上涨引发争议", "公摊水电费分摊争议"], "业主认为收费标准不合理，与物业公司协商未果。"),
    ("property_management.service", &["小区垃圾清运不及时", "物业维修响应慢引发纠纷", "单元门禁长期损坏"], "业主对物业服务质量不满，要求物业整改。"),
    ("property_management.parking", &["小区停车位分配纠纷", "外来车辆占用车位", "停车收费争议"], "停车管理引发业主与物业矛盾，请求协调。"),
    ("labour.wage_arrears", &["餐饮店拖欠员工工资", "装修工程拖欠农民工工资", "商贸公司拖欠工资"], "用人单位拖欠工资数月，多次催要未果。"),
    ("labour.contract", &["解除劳动合同经济补偿争议", "未签劳动合同二倍工资争议", "试用期辞退纠纷"], "劳动者与用人单位就劳动合同解除及补偿发生争议。"),
    ("labour.work_injury", &["工伤待遇赔偿争议", "工作中受伤医疗费纠纷"], "劳动者工作中受伤，双方就赔偿金额有分歧。"),
    ("family.marriage", &["夫妻感情纠纷", "离婚财产分割争议"], "夫妻双方因家庭琐事矛盾激化，请求调解。"),
    ("family.support", &["子女赡养老人纠纷", "兄妹分担赡养费争议"], "老人反映子女未尽赡养义务，请求社区协调。"),
    ("family.inheritance", &["房产继承纠纷", "遗产分配争议"], "家庭成员就遗产分配意见不一。"),
    ("private_lending", &["邻里借款不还纠纷", "民间借贷利息争议", "亲戚借款纠纷"], "借款到期未还，出借人多次催要无果。"),
    ("tenancy.rent", &["房东不退押金纠纷", "租户拖欠房租", "提前退租违约金争议"], "租赁双方就押金、租金结算发生争议。"),
    ("tenancy.utilities", &["租户与房东水电费纠纷", "取暖费承担争议"], "租赁双方就水电暖费用承担发生矛盾。"),
    ("consumer", &["预付卡退费纠纷", "装修质量消费纠纷", "家电维修收费争议"], "消费者与商家就退费、质量问题协商未果。"),
    ("traffic", &["小区内车辆剐蹭纠纷", "电动车碰撞行人赔偿争议"], "双方就事故责任和赔偿金额有分歧。"),
    ("damage", &["高空坠物砸坏车辆", "宠物咬伤赔偿纠纷"], "受害方要求赔偿，对方不认可赔偿金额。"),
    ("contract", &["装修合同纠纷", "买卖合同货款纠纷"], "合同履行中发生争议，双方各执一词。"),
    ("land.homestead", &["宅基地边界纠纷"], "相邻两户就宅基地边界发生争执。"),
    ("land.contract", &["土地承包经营权纠纷", "承包地流转费用争议"], "村民就承包地经营和流转费用发生争执。"),
    ("land.expropriation", &["征地补偿款分配纠纷", "拆迁安置争议"], "村民对征地补偿和安置方案有异议。"),
    ("medical", &["诊所治疗效果纠纷", "医疗费用争议"], "患者家属对诊疗过程和费用有异议，与医疗机构协商未果。"),
    ("other", &["邻里琐事纠纷"], "因生活琐事引发矛盾，请求调解。"),
    ("public_facilities", &["小区路灯不亮", "健身器材损坏", "单元门禁故障"], "居民反映公共设施损坏，影响日常生活。"),
    ("environment", &["垃圾堆放点清理不及时", "小区绿化带杂草丛生", "下水道异味"], "居民反映环境卫生问题，请求尽快处理。"),
    ("heating", &["暖气不热", "供暖管道漏水", "楼栋供暖温度不达标"], "室内温度偏低，老人孩子受冻，请求协调供热单位。"),
    ("utilities", &["小区频繁停水", "楼道照明线路老化", "燃气表更换咨询"], "居民反映水电气问题，请求协调相关单位。"),
    ("property_services", &["无物业小区需要管理", "楼道保洁无人负责"], "小区缺少物业管理，居民希望引入服务。"),
    ("roads_parking", &["小区道路破损", "停车难问题", "共享单车乱停放"], "居民反映道路和停车问题。"),
    ("elderly_care", &["独居老人需要助餐服务", "老年活动室开放时间"], "老人及家属希望得到养老服务。"),
    ("social_assistance", &["低保申请咨询", "困难家庭临时救助"], "居民家庭困难，申请救助。"),
    ("policy_inquiry", &["医保缴费政策咨询", "老旧小区改造政策咨询"], "居民咨询相关政策。"),
    ("employment", &["失业人员求职登记", "灵活就业社保补贴咨询"], "居民希望得到就业帮扶。"),
    ("education", &["子女入学咨询", "学区划分咨询"], "家长咨询子女入学事宜。"),
    ("health", &["家庭医生签约咨询", "慢病随访服务"], "居民希望得到基本医疗卫生服务。"),
    ("road_traffic", &["路口缺少减速带", "交通信号灯故障"], "巡查发现道路交通安全隐患。"),
    ("public_security", &["小区监控损坏", "出租屋人员登记不全"], "巡查发现治安隐患。"),
    ("food_safety", &["流动摊贩食品无证经营", "餐馆后厨卫生差"], "巡查发现食品安全隐患。"),
    ("natural_disaster", &["暴雨后地下室积水", "山洪沟道堵塞"], "汛期巡查发现自然灾害隐患。"),
    ("fire.corridor_clutter", &["楼道堆放杂物", "楼梯间堆放纸箱"], "网格巡查发现楼道堆物，存在消防隐患。"),
    ("fire.ebike_charging", &["电动车楼道充电", "飞线充电"], "网格巡查发现电动车违规充电。"),
    ("fire.blocked_exit", &["消防通道被占用", "安全出口上锁"], "消防通道堵塞，存在安全隐患。"),
    ("gas", &["燃气管道老化", "餐馆燃气使用不规范"], "巡查发现燃气安全隐患。"),
    ("electrical", &["配电箱门损坏", "私拉乱接电线"], "巡查发现用电安全隐患。"),
    ("building", &["外墙皮脱落", "楼顶防水层破损"], "房屋存在安全隐患，可能危及行人。"),
    ("special_equipment", &["电梯困人", "电梯年检过期"], "电梯存在安全隐患。"),
];

fn lookup(category: &str) -> (&'static [&'static str], &'static str) {
    TEXTS
        .iter()
        .filter(|(prefix, _, _)| category == *prefix || category.starts_with(&format!("{prefix}.")))
        .max_by_key(|(prefix, _, _)| prefix.len())
        .map(|(_, titles, says)| (*titles, *says))
        .unwrap_or((&["群众反映问题"], "群众反映问题，请求处理。"))
}

pub fn title(rng: &mut StdRng, category: &str) -> String {
    let (titles, _) = lookup(category);
    titles[rng.random_range(0..titles.len())].to_string()
}

pub fn description(category: &str, address: &str) -> String {
    let (_, says) = lookup(category);
    format!("{address}：{says}")
}

/// A company name for an employer or property company on the other side of a dispute.
pub fn company(rng: &mut StdRng, category: &str) -> String {
    const PLACES: [&str; 8] = ["青城", "塞上", "大召", "敕勒川", "昭君", "北垣", "如意", "金桥"];
    let trade = if category.starts_with("property_management") {
        "物业服务有限公司"
    } else {
        ["餐饮管理有限公司", "商贸有限公司", "建筑装饰工程有限公司", "物流有限公司", "酒店管理有限公司"][rng.random_range(0..5)]
    };
    format!("呼和浩特市{}{}", PLACES[rng.random_range(0..PLACES.len())], trade)
}
