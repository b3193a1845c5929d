/*
 * verify_text_zh: the Chinese table of custos-verify's report
 * (verify_text.h).  Every message of enum vt_msg, with the same printf
 * conversions in the same order as in the other language's table.
 */
#include <inttypes.h>

#include "verify_text.h"

const char *const verify_text_zh[VT_NMSGS] = {
	[VT_W_TAR] =
	    "tar 归档",
	[VT_W_DIRECTORY] =
	    "目录",
	[VT_W_NOT_OBJECT] =
	    "不是对象",
	[VT_W_NOBODY] =
	    "无人",
	[VT_W_NO_READABLE_KEY] =
	    "无法读取的密钥",
	[VT_W_UNREADABLE] =
	    "无法读取",
	[VT_W_NOTHING_READABLE] =
	    "无法读取的内容",
	[VT_W_UNNAMED_TSA] =
	    "未具名的时间戳机构",
	[VT_W_THE_TSA] =
	    "时间戳机构",
	[VT_W_NOTHING] =
	    "无",
	[VT_W_DID_NOT_RUN] =
	    "未运行",
	[VT_W_ITEM_NO_PATH] =
	    "一个没有路径的项目",
	[VT_W_COMMA_INSPECTION] =
	    "，检查 ",
	[VT_W_UNKNOWN] =
	    "（未知）",
	[VT_W_NONE] =
	    "无",
	[VT_W_YES] =
	    "是",
	[VT_W_NO] =
	    "否",
	[VT_W_NOT_STATED] =
	    "未说明",
	[VT_W_BEIJING] =
	    "北京时间",
	[VT_W_ABSENT] =
	    "–",
	[VT_CK_LAYOUT_BAD] =
	    "证据包：%s",
	[VT_CK_LAYOUT_OK] =
	    "证据包结构：共 %zu 个文件（%s），每个名称和类型均符合 "
	    "docs/bundle.md，无重复，无链接",
	[VT_CK_FILE_MISSING] =
	    "%s 缺失",
	[VT_CK_MANIFEST_NOT_OBJECT] =
	    "%s 不是 JSON 对象（第 %d 行：%s）",
	[VT_CK_MANIFEST_FORMAT] =
	    "%s：格式“%s”不是 %s，本核验程序不认识该格式",
	[VT_CK_MANIFEST_OK] =
	    "%s：格式 %s（仅供参考：其中每项说法均在下面重新核验）",
	[VT_CK_VKEY_NOT_KEY] =
	    "%s 不是 C2SP 验证密钥",
	[VT_CK_VKEY_SAME] =
	    "%s 就是审核人给定的密钥（%s）",
	[VT_CK_VKEY_OTHER] =
	    "%s 指明的密钥是 %s，而不是审核人给定的密钥（%s）："
	    "证据包声称另一个工作站密钥",
	[VT_KEY_OK] =
	    "检查点由 %s 签名，即审核人以 --key 给定的密钥。",
	[VT_KEY_VKEY_SAME] =
	    "证据包内的 station.vkey 是同一密钥。",
	[VT_KEY_VKEY_DIFF] =
	    "证据包内的 station.vkey 是另一个密钥（%s）。",
	[VT_KEY_BAD] =
	    "检查点并非由审核人给定的密钥（%s）签名；其签名者为：%s。"
	    "证据包内的 station.vkey 指明 %s。"
	    "在信任本证据包的任何内容之前，请另行核对工作站的密钥。",
	[VT_KEY_OTHER_SIG] =
	    "检查点上还有一个以工作站名义、由另一密钥 %s 作出的签名："
	    "本次只信任并核验了审核人给定的密钥（%s）；另一签名未经核验，"
	    "在此不证明任何事项。"
	    "请向工作站查明该密钥属于谁（密钥轮换前的旧密钥，"
	    "或并非工作站的密钥）。",
	[VT_CK_CKPT_MISSING] =
	    "检查点缺失：证据包中没有任何经签名的内容",
	[VT_CK_CKPT_MALFORMED] =
	    "检查点不是格式正确的签名文本",
	[VT_CK_CKPT_SIG_OK] =
	    "%s 对检查点的签名（审核人给定的密钥）验证通过",
	[VT_CK_CKPT_NO_SIG] =
	    "检查点上没有审核人给定密钥（%s）的签名；签名者为：%s",
	[VT_CK_CKPT_SIG_BAD] =
	    "%s 对检查点的签名验证不通过：检查点不是该密钥所签署的内容",
	[VT_CK_CKPT_NOT_CKPT] =
	    "检查点：签名文本不是检查点（来源、树大小、base64 根哈希）",
	[VT_CK_CKPT_ORIGIN] =
	    "检查点：来源“%s”不是密钥的名称“%s”",
	[VT_CK_CKPT_OK] =
	    "检查点：工作站“%s”，树大小 %" PRIu64 "，根哈希 %s",
	[VT_TS_NONE] =
	    "没有时间戳令牌（%s）：没有第三方锚点，"
	    "只有工作站自己的日志和时钟",
	[VT_TS_ACCEPTED] =
	    "（已接受：--allow-untimestamped）",
	[VT_TS_NO_CKPT] =
	    "时间戳未核验：没有可供核对的检查点",
	[VT_TS_NO_CA] =
	    "时间戳未核验：未给出 --tsa-ca（令牌声称时间为 %s，机构为 %s；"
	    "未经核验，不证明任何事项）",
	[VT_TS_OK] =
	    "时间戳令牌：%s 不晚于 %s 见到了这一检查点（序列号 %s，策略 "
	    "%s），证书链可追溯至 --tsa-ca",
	[VT_TS_NOT_GRANTED] =
	    "时间戳令牌：%s 不是已签发的 RFC 3161 应答%s%s",
	[VT_TS_BAD] =
	    "时间戳令牌验证不通过：%s",
	[VT_EN_NOT_JSON] =
	    "条目 %" PRIu64 "：%s 不是一个 JSON 对象",
	[VT_EN_INDEX] =
	    "条目 %" PRIu64 "：其“index”字段为 %lld，而文件名为 "
	    "%" PRIu64 "（被移动或改名）",
	[VT_EN_STATION] =
	    "条目 %" PRIu64 "：工作站“%s”不是检查点的“%s”",
	[VT_EN_PROOF_MISSING] =
	    "条目 %" PRIu64 "：proofs/%" PRIu64 ".proof 缺失",
	[VT_EN_PROOF_RANGE] =
	    "条目 %" PRIu64 "：不小于检查点的树大小 %" PRIu64 "",
	[VT_EN_PROOF_FORMAT] =
	    "条目 %" PRIu64 "：%s 不是证明文件（每行一个 base64 哈希）",
	[VT_EN_PROOF_BAD] =
	    "条目 %" PRIu64 "（%s）："
	    "其字节和包含证明不能推出检查点的根哈希："
	    "该条目未能证明（条目或其证明不是工作站所签署的内容）",
	[VT_EN_LISTED_MISSING] =
	    "条目 %lld（%s，角色 %s）列在 MANIFEST.json 中，但 "
	    "entries/%lld.json 缺失",
	[VT_MF_NO_ENTRIES] =
	    "%s 没有“entries”列表",
	[VT_MF_ENTRY_NO_INDEX] =
	    "%s：entries[%zu] 没有 index",
	[VT_EN_FOREIGN_UNLISTED] =
	    "条目 %" PRIu64 "（%s）在证据包中，但不在 MANIFEST.json 中："
	    "外来条目",
	[VT_EN_NONE] =
	    "证据包中没有条目",
	[VT_EN_NO_CKPT] =
	    "包含证明未核验：没有可读的检查点",
	[VT_EN_ALL] =
	    "全部 %zu 个条目都在大小为 %" PRIu64 " 的已签名树中（逐一以 "
	    "RFC 9162 包含证明核验）",
	[VT_EN_FOREIGN_ROLE] =
	    "条目 %" PRIu64 "（%s%s%s）在检查 %s 中没有角色：外来条目",
	[VT_CH_FIRST] =
	    "链条：证据包中的第一个条目 %" PRIu64 "（%s）不是该检查的登记："
	    "其前面的条目缺失",
	[VT_CH_LINK] =
	    "链条：条目 %" PRIu64 "（%s）链接到 %s，但其前一个条目 "
	    "%" PRIu64 "（%s）的叶哈希为 %s：两者之间的条目缺失、"
	    "顺序被调换或为外来条目",
	[VT_CH_MISSING] =
	    "链条：链条中的条目 %lld（%s）缺失",
	[VT_CH_NOT_OURS] =
	    "链条：%lld 号条目被 %s 列入链条，但它不是 %s 的条目",
	[VT_CH_NONE] =
	    "链条：证据包中没有检查“%s”的条目",
	[VT_CH_ENDS] =
	    "链条：止于条目 %" PRIu64 "，但 %s 称其最后一个条目为 %lld",
	[VT_CH_OK] =
	    "链条：%zu 个条目（检查 %s），从“%s”（条目 %" PRIu64 "）到"
	    "“%s”（条目 %" PRIu64 "），每个前序链接（inspection_prev）完好，"
	    "没有缺失%s",
	[VT_CH_NOT_CLOSED] =
	    "（导出时检查尚未结案）",
	[VT_MD_NO_OBJECT] =
	    "条目 %" PRIu64 " 没有指明本密码配置下的对象",
	[VT_MD_MISSING_WHY] =
	    "%s/%s.* 缺失",
	[VT_MD_MISSING] =
	    "条目 %" PRIu64 "（%s）封存了 %s：媒体文件缺失",
	[VT_MD_INCOMPLETE] =
	    "%s 无法读到结尾",
	[VT_MD_HASH_WHY] =
	    "%s 的哈希为 %s，而不是 %s",
	[VT_MD_HASH] =
	    "%s：哈希为 %s，但其文件名和条目 %" PRIu64 " 为 %s："
	    "文件被改动或替换",
	[VT_MD_SIZE] =
	    "%s 有 %" PRIu64 " 字节，条目记载为 %lld",
	[VT_MD_OK] =
	    "%s：%" PRIu64 " 字节，%s，与条目 %" PRIu64 " 封存的一致",
	[VT_MD_ROOT_NOT] =
	    "%s 的数据包根哈希未能重新计算：媒体子进程%s%s%s",
	[VT_MD_ROOT_WHY] =
	    "%s 的数据包根哈希为 %s，条目记载为 %s",
	[VT_MD_ROOT_BAD] =
	    "%s：重新计算的数据包根哈希 %s（%" PRIu64 " 个数据包）"
	    "不是封存时的 %s",
	[VT_MD_ROOT_OK] =
	    "%s：在沙箱媒体子进程中重新计算的数据包根哈希 %s（%" PRIu64 " "
	    "个数据包）与封存时一致",
	[VT_MD_FOREIGN] =
	    "%s：证据包中没有条目封存它：外来文件",
	[VT_MF_ITEM_ABSENT] =
	    "%s 列出了 %s，但它不在证据包中",
	[VT_MF_ITEM_OBJECT] =
	    "%s 称 %s 是 %s（条目 %lld），但该条目封存的是 %s",
	[VT_SG_ENTRY_MISSING] =
	    "entries/%" PRIu64 ".json 缺失",
	[VT_SG_ENTRY_UNREADABLE] =
	    "entries/%" PRIu64 ".json 无法读取",
	[VT_SG_ENTRY_CHECK] =
	    "片段 %" PRIu64 "（关联到 %s）：其条目缺失",
	[VT_SG_UNPROVEN] =
	    "条目 %" PRIu64 " 未能在已签名的树中得到证明，"
	    "因此该片段未能证明（并无迹象表明其字节与封存时不同）",
	[VT_SG_NOT_SEGMENT] =
	    "条目 %" PRIu64 " 是 %s，不是 segment.sealed",
	[VT_SG_NONE] =
	    "录像片段：检查 %s 没有关联的录像",
	[VT_SG_ALL] =
	    "录像片段：全部 %zu 个关联片段都在包内且未被改动",
	[VT_SG_SOME] =
	    "录像片段：%zu 个（共 %zu 个）关联片段在包内且未被改动（找到 "
	    "%zu 个）",
	[VT_CL_NO_MANIFEST] =
	    "片段：%s 未写明片段（\"clip\"），但包内有 %s",
	[VT_CL_NO_CLIP] =
	    "片段：包内没有片段 %" PRIu64 " 的剪辑文件",
	[VT_CL_NO_PROOF] =
	    "片段：剪辑的数据包证明 %s 缺失",
	[VT_CL_NO_ROOT] =
	    "片段：片段条目 %" PRIu64 " 未写明数据包根哈希和数据包数，其剪辑无法证明",
	[VT_CL_NOT_DEMUXED] =
	    "片段：%s 无法在沙箱中解封装：%s%s%s",
	[VT_CL_JSON] =
	    "片段：%s 不是数据包证明（custos-clip@1 格式的 JSON）",
	[VT_CL_FORMAT] =
	    "片段：%s 的格式不是 custos-clip@1",
	[VT_CL_SEGMENT] =
	    "片段：%s 是另一片段的数据包证明，不是片段 %" PRIu64 " 的",
	[VT_CL_DISAGREE] =
	    "片段：%s 写明的 %s 与片段条目 %" PRIu64 " 的不一致",
	[VT_CL_RANGE] =
	    "片段：%s 声称的数据包超出范围：封存录像共 %" PRIu64 " 个数据包（片段 %" PRIu64 "）",
	[VT_CL_PROOF_OK] =
	    "片段：%s 与片段条目 %" PRIu64 " 一致（对象、数据包根哈希、%" PRIu64 " 个数据包）",
	[VT_CL_ALTERED] =
	    "片段：%s 秒处的数据包（位置 %s）不是封存录像在该位置的数据包：已被改动",
	[VT_CL_OUTSIDE] =
	    "片段：%s 秒处的数据包声称位置 %s，超出剪辑的数据包范围 %s",
	[VT_CL_TWICE] =
	    "片段：%s 秒处的数据包声称位置 %s，该位置已属于剪辑中的另一数据包",
	[VT_CL_ORDER] =
	    "片段：%s 秒处的数据包（位置 %s）排在同一流中更晚的数据包之后：顺序被打乱",
	[VT_CL_MISSING] =
	    "片段：封存录像的第 %s 个数据包在剪辑中缺失，位于 %s 秒与 %s 秒之间",
	[VT_CL_NOPROOF] =
	    "片段：%s 秒处的数据包没有证明：是被加入剪辑的",
	[VT_CL_NOPACKET] =
	    "片段：位置 %s 的证明在剪辑中没有对应数据包：已被删去",
	[VT_CL_BADPROOF] =
	    "片段：%s 秒处数据包（位置 %s）的证明不是 [位置, base64 哈希值] 的形式",
	[VT_CL_MORE] =
	    "片段：共 %" PRIu64 " 处不符，仅列出前 %zu 处",
	[VT_CL_PACKETS_OK] =
	    "片段：%" PRIu64 " 个数据包（%s，%s 秒至 %s 秒）依次是封存录像的第 %s 个数据包（片段 %" PRIu64 "），未被改动且顺序不变",
	[VT_CL_MANIFEST_CLIP] =
	    "片段：%s 写明剪辑 %s 的哈希为 %s、大小 %s 字节，但其实际哈希为 %s，大小 %" PRIu64 " 字节",
	[VT_SG_NOT_INCLUDED] =
	    "不在本片段包内：片段包只含一个录像片段的剪辑，不含其余录像",
	[VT_SG_CLIP] =
	    "录像片段：本片段包含片段 %" PRIu64 " 的剪辑；其余 %zu 个关联片段不在本片段包内",
	[VT_PROVEN_CLIP] =
	    "已证明：剪辑的 %" PRIu64 " 个数据包（%s 秒至 %s 秒，片段 %" PRIu64 "，执法记录仪 %s，封存于 %s）是该封存录像的第 %s 个数据包，未被改动且顺序不变，%s；它们属于检查 %s，其 %zu 条记录的链（从%s到%s）没有缺环。本片段包不含该检查的其余录像。",
	[VT_W_CLIP_START] =
	    "开头",
	[VT_W_CLIP_END] =
	    "结尾",
	[VT_NOTE_FINDINGS] =
	    "未能计算程序问题：%s",
	[VT_NOTE_TIMELINE] =
	    "未能生成时间线：%s",
	[VT_NOTE_NO_START] =
	    "计算程序问题和时间线需要该检查已证明的第一个条目",
	[VT_F1_TITLE] =
	    "（一）计算机系统的硬件、软件环境是否完整、可靠",
	[VT_F2_TITLE] =
	    "（二）系统是否处于正常运行状态，"
	    "或不正常运行对数据的形成和完整性是否有影响",
	[VT_F3_TITLE] =
	    "（三）系统是否具备有效的防止出错的监测、核查手段",
	[VT_F4_TITLE] =
	    "（四）数据是否被完整地保存、传输、提取，方法是否可靠",
	[VT_F5_TITLE] =
	    "（五）数据是否在正常的往来活动中形成和存储",
	[VT_F6_TITLE] =
	    "（六）保存、传输、提取数据的主体是否适当",
	[VT_F7_TITLE] =
	    "（七）影响真实性的其他因素：第三方锚点",
	[VT_F1_STARTED] =
	    "custosd %s 于 %s 启动（条目 %" PRIu64 "）：配置 %s，密钥 %s，"
	    "密码配置 %s",
	[VT_F1_KEY_DIFF] =
	    "该次运行的密钥 %s 不是签署检查点的密钥（%s）",
	[VT_F1_NONE] =
	    "证据包中没有 station.started 条目："
	    "未显示当时的软件版本和配置",
	[VT_F2_UNCLEAN] =
	    "故障记录：条目 %" PRIu64 "（%s）之前的运行未正常停止（崩溃、"
	    "被终止或断电）；此后的录像由新的运行封存",
	[VT_F2_FIRST] =
	    "条目 %" PRIu64 "：此前没有运行，这是第一次启动",
	[VT_F2_CLEAN] =
	    "条目 %" PRIu64 "：此前的运行正常停止",
	[VT_F2_UNDECODABLE] =
	    "片段 %" PRIu64 " 封存时无法解码，探测结果：%s",
	[VT_F2_GAPS] =
	    "进入和离开现场之间的录像空白：%zu 处；未记录原因的：%zu 处",
	[VT_F2_NO_GAP] =
	    "进入和离开现场之间没有录像空白",
	[VT_F3_MEDIA] =
	    "每个媒体文件均在此重新计算哈希：%zu 个（共 %zu 个）"
	    "与条目封存的哈希和大小一致",
	[VT_F3_ROOTS] =
	    "在沙箱媒体子进程中重新计算数据包根哈希：%zu 个（共 %zu 个）"
	    "一致",
	[VT_F3_PROOFS] =
	    "包含证明：%zu 个（共 %zu 个）条目可推出已签名的根哈希",
	[VT_F3_CHAIN_OK] =
	    "该检查的哈希链：每个链接完好",
	[VT_F3_CHAIN_BAD] =
	    "该检查的哈希链：已断开（见核验项）",
	[VT_F3_VAC] =
	    "工作站只有在重新读取已存副本并核对哈希一致后才封存文件（复制后校验）",
	[VT_F4_SESSION] =
	    "片段 %lld：摄像设备 %s → %s，底座会话 %" PRIu64 "（%s 至 %s），"
	    "会话结束：%s → 于 %s 封存 → 本证据包：%s",
	[VT_F4_NOSESSION] =
	    "片段 %lld：摄像设备 %s → %s → 于 %s 封存 → 本证据包：%s%s",
	[VT_F4_NO_SESSION_USB] =
	    "（其底座会话不在证据包中）",
	[VT_F4_NONE] =
	    "没有可追踪的关联录像",
	[VT_F5_MANUAL] =
	    "片段 %lld 由操作员关联（条目 %" PRIu64 "）：%s",
	[VT_F5_COUNT] =
	    "工作站在封存录像时自动关联的片段（摄像设备分配给本次检查的执法人员，"
	    "且在检查期间录制）：%zu 个；由操作员关联的：%zu 个",
	[VT_F5_LOG] =
	    "每个环节都是工作站日志中的一个条目，按发生时写入，"
	    "按日志顺序排列",
	[VT_F6_KEPT] =
	    "由工作站“%s”保存，其日志以密钥 %s 签名%s",
	[VT_F6_NOT_SIGNED] =
	    "——但检查点并非由该密钥签名",
	[VT_F6_OFFICER] =
	    "执法人员 %s %s，见于该检查的第一个条目",
	[VT_F7_FINDINGS] =
	    "程序问题（与完整性分开报告）：%zu 项",
	[VT_ANCHOR_OK] =
	    "第三方锚点是外部时间戳机构（%s），而不是工作站自己的日志："
	    "该机构不晚于 %s 见到了这一检查点。"
	    "各条目的时间是工作站自己的时钟，只在外部受该时间的约束。",
	[VT_ANCHOR_UNVERIFIED] =
	    "时间戳令牌未经核验，因此没有第三方锚点："
	    "这里的一切都依赖工作站自己的日志和时钟，而它们并不中立。",
	[VT_ANCHOR_NONE] =
	    "没有时间戳令牌，没有第三方锚点。"
	    "这里的一切都依赖工作站自己的日志和时钟，而它们并不中立。",
	[VT_PROVEN_WHEN_TSA] =
	    "不晚于 %s（由 %s 加盖时间戳）",
	[VT_PROVEN_WHEN_OWN] =
	    "在工作站签署检查点时（工作站自己的时钟：没有第三方时间）",
	[VT_PROVEN_ONE] =
	    "已证明：这 %lld 个文件未被改动，%s 已经存在，并且是检查 %s "
	    "记录的全部证据%s：其链条共 %zu 个条目，从“%s”到“%s”，"
	    "没有缺失的链接；其关联的录像片段（%lld 个）"
	    "都在包内且未被改动。",
	[VT_PROVEN_MANY] =
	    "已证明：这 %lld 个文件未被改动，%s 已经存在，并且是检查 %s "
	    "记录的全部证据%s：其链条共 %zu 个条目，从“%s”到“%s”，"
	    "没有缺失的链接；其关联的录像片段（%lld 个）"
	    "都在包内且未被改动。",
	[VT_PROVEN_NOT_CLOSED] =
	    "（截至证据包中的最后一个环节：导出时尚未结案，"
	    "不能排除此后的环节）",
	[VT_PROVEN_NO] =
	    "未能证明：%zu 项核验未通过，第一项：%s。在查明原因之前，"
	    "不能将本证据包中的任何内容视为检查 %s 完整、未被改动的证据。",
	[VT_V_OK] =
	    "完好",
	[VT_V_ALTERED] =
	    "被改动",
	[VT_V_MISSING] =
	    "缺失",
	[VT_V_UNPROVEN] =
	    "未能证明",
	[VT_V_NOT_INCLUDED] =
	    "不在本片段包内",
	[VT_V_NONE] =
	    "无结论",
	[VT_SRC_USB] =
	    "USB 底座导入",
	[VT_SRC_UPLOAD] =
	    "网络上传",
	[VT_SRC_LIVE] =
	    "实时传输",
	[VT_KIND_BODY] =
	    "执法记录仪",
	[VT_KIND_DRONE] =
	    "无人机",
	[VT_KIND_FIXED] =
	    "固定摄像设备",
	[VT_KIND_BODY_DEFAULT] =
	    "执法记录仪（未登记设备类型）",
	[VT_VI_LABEL] =
	    "证据完整性",
	[VT_VI_OK] =
	    "✔ 证据完整性已证明",
	[VT_VI_BAD] =
	    "✘ 证据完整性未能证明",
	[VT_VI_COUNTS] =
	    " —— 完好片段 %lld / %lld",
	[VT_VI_ALTERED] =
	    "，被改动 %lld",
	[VT_VI_MISSING] =
	    "，缺失 %lld",
	[VT_VI_UNPROVEN] =
	    "，未能证明 %lld",
	[VT_VI_OTHER] =
	    "，无结论 %lld",
	[VT_VI_ENTRIES] =
	    "；条目 %lld / %lld",
	[VT_VI_MEDIA] =
	    "；媒体文件 %lld / %lld",
	[VT_VI_CHECKS] =
	    "；核验项通过 %lld / %lld",
	[VT_VI_CONTRADICTION] =
	    "（报告称已证明，但%s）",
	[VT_VI_NO_VERDICT] =
	    "（报告没有结论）",
	[VT_VI_NO_CHECKS] =
	    "报告中没有核验项",
	[VT_VI_FAILED_CHECK] =
	    "有核验项未通过",
	[VT_VI_SEG_NOT_OK] =
	    "并非所有片段都完好",
	[VT_VI_FEWER] =
	    "找到的条目或媒体文件少于应有数量",
	[VT_VI_NOT_SIGNED] =
	    "未显示检查点由给定密钥签名",
	[VT_VP_LABEL] =
	    "程序",
	[VT_VP_CLEAN] =
	    "✔ 程序：未发现限制证据使用的问题",
	[VT_VP_LIMITED] =
	    "✘ 程序：%zu 项问题限制证据的使用",
	[VT_VP_UNKNOWN] =
	    "✘ 程序：未能评估（%s）",
	[VT_VP_STRICT] =
	    "程序问题导致 --strict 核验失败（它们不是完整性问题）。",
	[VT_R_TWO_OFFICERS] =
	    "执法人员少于两名或证件无效",
	[VT_R_NO_FOOTAGE] =
	    "现场检查期间没有录像",
	[VT_R_FOOTAGE_GAP] =
	    "录像中断且未说明原因",
	[VT_R_UNREVIEWED_DEVICE] =
	    "不得作为处罚依据：设备未经法制和技术审核",
	[VT_R_DEADLINE_UNKNOWN] =
	    "期限无法判断（工作日历未覆盖）",
	[VT_R_BACKFILL_OVERDUE] =
	    "紧急检查逾期未补办手续",
	[VT_R_BACKFILL_LATE] =
	    "紧急检查补办手续超过期限",
	[VT_R_RED_NOT_INSPECTED] =
	    "红码企业未在 5 个工作日内检查",
	[VT_R_NOT_CLOSED] =
	    "检查尚未结案",
	[VT_R_REVIEW_AFTER_DECISION] =
	    "法制审核缺失或晚于处罚决定",
	[VT_R_REVIEWER_IS_OFFICER] =
	    "法制审核人员是本案执法人员",
	[VT_R_CREDIT_NOTICE_MISSING] =
	    "处罚决定未同时送达信用修复告知书",
	[VT_R_CREDIT_REPAIR_OVERDUE] =
	    "信用修复申请未在 3 个工作日内答复",
	[VT_R_RECORDED_LATE] =
	    "环节登记时间晚于其所述时间 2 小时以上（事后补录）",
	[VT_R_NUMBERING_GAP] =
	    "摄像机文件编号不连续",
	[VT_R_OTHER] =
	    "其他程序问题",
	[VT_TX_HEAD] =
	    "证据包 %s：检查 %s，工作站 %s，密码配置 %s",
	[VT_TX_PURPOSE] =
	    "证明对象（MANIFEST.json 所述）：",
	[VT_TX_ENTERPRISE] =
	    "被检查单位：%s（统一社会信用代码 %s）",
	[VT_TX_KEY] =
	    "密钥：",
	[VT_TX_TS] =
	    "时间戳：",
	[VT_TX_CHECKS] =
	    "核验项",
	[VT_TX_SEGS] =
	    "关联到本次检查的录像片段：应有 %lld，找到 %lld，完好 %lld",
	[VT_TX_SEG] =
	    "片段 %lld %s：%s",
	[VT_TX_FILE_TIME] =
	    "（文件时间）",
	[VT_TX_UNLINKED] =
	    "后来已解除关联",
	[VT_TX_DEVICE] =
	    "摄像设备 %s（%s），佩戴人 %s，来源 %s",
	[VT_TX_REVIEW] =
	    "设备审核：%s",
	[VT_TX_NO_REVIEW] =
	    "设备审核：无记录",
	[VT_TX_DRIFT] =
	    "录制开始 %s%s；摄像机时钟与工作站相差 %+lld 毫秒（底座会话 "
	    "%lld）；校正后 %s",
	[VT_TX_NO_DRIFT] =
	    "录制开始 %s%s；摄像机时钟偏差未测量",
	[VT_TX_FACTORS] =
	    "真实性因素（最高人民法院《关于民事诉讼证据的若干规定》第九十三条）",
	[VT_TX_ANCHOR] =
	    "第三方锚点：",
	[VT_TX_FINDINGS] =
	    "程序问题（不是完整性问题%s）：%zu 项",
	[VT_TX_STRICT] =
	    "；在 --strict 下视为失败",
	[VT_TX_NOTE] =
	    "注：",
	[VT_TX_FINDING_EN] =
	    "涉及条目 %s；工作站只给出英文说明：%s",
	[VT_TX_NO_ENTRIES] =
	    "无",
	[VT_TX_VERIFIED] =
	    "核验通过：证据完整性已证明",
	[VT_TX_NOT_VERIFIED] =
	    "核验未通过：证据完整性未能证明",
	[VT_TL_UNVERIFIED] =
	    "（未经核验：按证据包中的条目原样生成；请给出 --key，或运行 "
	    "custos-verify bundle 进行核验）",
	[VT_TL_PROVEN_ONLY] =
	    "（只含在该密钥签名的树中得到证明的条目；此处不核验时间戳："
	    "结论见 custos-verify bundle）",
	[VT_TL_NONE] =
	    "%s：无法从其条目生成时间线",
	[VT_A12_TITLE] =
	    "最高人民法院《关于行政诉讼证据若干问题的规定》第十二条："
	    "注明制作方法、制作时间、制作人和证明对象",
	[VT_A12_NOTE] =
	    "每段录音录像的说明均取自已签名的日志条目（证明对象取自 "
	    "MANIFEST.json，为导出人所述）。"
	    "声音资料应当附有该声音内容的文字记录；证据包是否附有，"
	    "在此注明。",
	[VT_A12_ITEM] =
	    "片段 %lld（%s）",
	[VT_A12_METHOD] =
	    "制作方法",
	[VT_A12_TIME] =
	    "制作时间",
	[VT_A12_MAKER] =
	    "制作人",
	[VT_A12_PURPOSE] =
	    "证明对象",
	[VT_A12_TRANSCRIPT] =
	    "文字记录",
	[VT_A12_DOCK] =
	    "由%s %s 录制，经工作站 USB 底座导入（底座会话 %lld）",
	[VT_A12_UPLOAD] =
	    "由%s %s 录制，经网络上传至工作站",
	[VT_A12_LIVE] =
	    "由%s %s 实时传输至工作站",
	[VT_A12_MODEL] =
	    "；型号 %s",
	[VT_A12_FIRMWARE] =
	    "；固件 %s",
	[VT_A12_RECORDED] =
	    "按摄像机时钟 %s 开始录制",
	[VT_A12_CORRECTED] =
	    "；按摄像机时钟偏差 %+lld 毫秒校正后为 %s",
	[VT_A12_SEALED] =
	    "；工作站于 %s 封存",
	[VT_A12_DRIFT_UNKNOWN] =
	    "；摄像机时钟偏差未测量",
	[VT_A12_CARRIED] =
	    "执法人员 %s %s（当时佩戴该摄像设备）",
	[VT_A12_STATION] =
	    "；由工作站 %s 保存、封存",
	[VT_A12_PURPOSE_SRC] =
	    "%s（取自 MANIFEST.json，仅供参考）",
	[VT_A12_NO_PURPOSE] =
	    "未说明（MANIFEST.json 中没有）",
	[VT_A12_TRANSCRIPT_YES] =
	    "证据包中附有：%s",
	[VT_A12_TRANSCRIPT_NO] =
	    "证据包中没有",
	[VT_A12_NONE] =
	    "没有关联的录音录像",
	[VT_H_TITLE] =
	    "证据核验报告",
	[VT_H_INSPECTION] =
	    "检查编号",
	[VT_H_ENTERPRISE] =
	    "被检查单位",
	[VT_H_USCC] =
	    "统一社会信用代码",
	[VT_H_PURPOSE] =
	    "证明对象",
	[VT_H_STATION] =
	    "工作站",
	[VT_H_BUNDLE] =
	    "证据包",
	[VT_H_BUNDLE_FORMAT] =
	    "证据包格式",
	[VT_H_PROFILE] =
	    "密码配置",
	[VT_H_REPORT_FORMAT] =
	    "报告格式",
	[VT_H_KEY] =
	    "密钥信任",
	[VT_H_KEY_NOTE] =
	    "密钥信任与内容完整性分开判断："
	    "只有审核人另行取得的密钥（而不是证据包内附带的密钥）"
	    "才能使签名有意义。",
	[VT_H_SIGNER] =
	    "签名者",
	[VT_H_SIGNER_ID] =
	    "签名密钥 ID",
	[VT_H_GIVEN_ID] =
	    "给定密钥 ID",
	[VT_H_SIGNED_BY_GIVEN] =
	    "检查点由给定密钥签名",
	[VT_H_VKEY_GIVEN] =
	    "包内 station.vkey 与给定密钥一致",
	[VT_H_OTHER_SIGS] =
	    "以工作站名义的其他签名（未核验）",
	[VT_H_NOTE] =
	    "说明",
	[VT_H_TS] =
	    "可信时间戳",
	[VT_H_TS_NOTE] =
	    "第三方锚点是外部时间戳机构（RFC 3161）的时间戳，"
	    "而不是工作站自己的日志。",
	[VT_H_PRESENT] =
	    "存在",
	[VT_H_CHECKED] =
	    "已核验",
	[VT_H_VALID] =
	    "有效",
	[VT_H_TIME] =
	    "时间",
	[VT_H_TSA] =
	    "时间戳机构",
	[VT_H_SERIAL] =
	    "序列号",
	[VT_H_POLICY] =
	    "策略",
	[VT_H_CHECKS] =
	    "核验项",
	[VT_H_CHECK] =
	    "核验项目",
	[VT_H_RESULT] =
	    "结果",
	[VT_H_ENTRY] =
	    "条目",
	[VT_H_PATH] =
	    "文件",
	[VT_H_NO_CHECKS] =
	    "报告中没有核验项。",
	[VT_H_SEGMENTS] =
	    "录像片段",
	[VT_H_SEG_COUNTS] =
	    "应有 %lld，找到 %lld，完好 %lld，被改动 %lld，未能证明 %lld，"
	    "缺失 %lld。",
	[VT_H_VERDICT] =
	    "结论",
	[VT_H_CAMERA] =
	    "摄像设备",
	[VT_H_DEVICE_KIND] =
	    "设备类型",
	[VT_H_REVIEW] =
	    "设备审核",
	[VT_H_OFFICER] =
	    "执法人员",
	[VT_H_RECORDED] =
	    "录制开始（摄像机时钟）",
	[VT_H_DRIFT] =
	    "摄像机时钟偏差",
	[VT_H_CORRECTED] =
	    "校正后开始时间",
	[VT_H_DURATION] =
	    "时长",
	[VT_H_SOURCE] =
	    "来源",
	[VT_H_LINKED] =
	    "关联",
	[VT_H_OBJECT] =
	    "对象、文件",
	[VT_H_NO_SEGMENTS] =
	    "报告中没有片段。",
	[VT_H_LINKED_YES] =
	    "已关联",
	[VT_H_LINKED_NO] =
	    "已解除关联",
	[VT_H_FACTORS] =
	    "真实性因素",
	[VT_H_FACTORS_NOTE] =
	    "最高人民法院《关于民事诉讼证据的若干规定》第九十三条。",
	[VT_H_FACTOR] =
	    "因素",
	[VT_H_EVIDENCE] =
	    "依据",
	[VT_H_NOT_ADDRESSED] =
	    "报告未涉及",
	[VT_H_OFFICERS] =
	    "执法人员",
	[VT_H_OFFICER_ID] =
	    "编号",
	[VT_H_NAME] =
	    "姓名",
	[VT_H_NO_OFFICERS] =
	    "报告中没有执法人员。",
	[VT_H_TIMELINE] =
	    "时间线",
	[VT_H_TIMELINE_NOTE] =
	    "“内容”一栏为工作站日志的原文。",
	[VT_H_TL_TIME] =
	    "时间（UTC）",
	[VT_H_KIND] =
	    "事项",
	[VT_H_WHAT] =
	    "内容",
	[VT_H_NO_TIMELINE] =
	    "报告中没有时间线。",
	[VT_H_COVERAGE] =
	    "录像覆盖",
	[VT_H_NO_COVERAGE] =
	    "报告中没有录像覆盖数据。",
	[VT_H_LEGEND] =
	    "竖线为进入和离开现场",
	[VT_H_ON_SITE] =
	    "现场",
	[VT_H_FOOTAGE] =
	    "录像",
	[VT_H_GAPS_LANE] =
	    "空白",
	[VT_H_EXPLAINED] =
	    "已说明的空白",
	[VT_H_UNEXPLAINED] =
	    "未说明的空白",
	[VT_H_FROM] =
	    "从",
	[VT_H_TO] =
	    "到",
	[VT_H_SECONDS] =
	    "秒",
	[VT_H_REASON] =
	    "原因",
	[VT_H_NO_GAPS] =
	    "进入和离开现场之间没有超过 5 "
	    "秒的录像空白（或检查人员尚未离开）。",
	[VT_H_FINDINGS] =
	    "程序问题",
	[VT_H_FINDINGS_NOTE] =
	    "程序问题与完整性分开报告：它们不表示证据被改动，"
	    "但每一项都限制证据的使用。",
	[VT_H_RULE] =
	    "规则",
	[VT_H_DETAIL] =
	    "说明",
	[VT_H_ENTRIES] =
	    "条目",
	[VT_H_NO_FINDINGS] =
	    "无。",
	[VT_H_NO_FINDINGS_DATA] =
	    "报告中没有程序问题数据。",
	[VT_H_FOOTER] =
	    "由 custos-verify 生成；本页不含脚本，不引用外部资源。",
	[VT_H_ART12] =
	    "录音录像证据说明（第十二条）",
	[VT_VI_NOT_INCLUDED] =
	    "，不在本片段包内 %lld",
	[VT_H_SEG_NOT_INCLUDED] =
	    "其中 %lld 段不在本片段包内：片段包只证明所截的剪辑，不证明录像齐全。",
	[VT_H_CLIP] =
	    "剪辑",
	[VT_H_CLIP_NOTE] =
	    "本包不含原始录像，只含一个封存录像片段的剪辑；剪辑的每个数据包都附有包含证明，证明它是该封存录像在某一位置的数据包（依据片段条目的数据包根）。",
	[VT_H_CLIP_SEGMENT] =
	    "所截录像片段",
	[VT_H_CLIP_FILE] =
	    "剪辑文件",
	[VT_H_CLIP_SPAN] =
	    "时间范围（自原始录像开头起）",
	[VT_H_CLIP_SPAN_FMT] =
	    "%s 秒至 %s 秒",
	[VT_H_CLIP_PACKETS] =
	    "数据包",
	[VT_H_CLIP_PACKETS_FMT] =
	    "剪辑含 %lld 个数据包；证明文件称其为封存录像的第 %lld 至 %lld 个",
	[VT_H_CLIP_RESULT] =
	    "逐包核验",
	[VT_H_CLIP_OK] =
	    "每个数据包均已证明：未被改动，顺序不变",
	[VT_H_CLIP_BAD] =
	    "未能证明：%lld 处问题",
	[VT_H_CLIP_NONE] =
	    "报告中没有剪辑的核验结果。",
	[VT_H_CLIP_TIME] =
	    "剪辑内时间（秒）",
	[VT_H_CLIP_POSITION] =
	    "在封存录像中的位置",
	[VT_H_CLIP_WHY] =
	    "问题",
	[VT_H_CLIP_BETWEEN] =
	    "%s与%s之间",
	[VT_H_CLIP_NO_TIME] =
	    "时间不明",
	[VT_H_CLIP_MORE] =
	    "共 %lld 处问题，此处列出前 %zu 处。",
	[VT_TS_REGISTERED] =
	    "登记检查：企业 %s，执法人员 %s，检查方式 %s，检查依据 %s，检查内容 "
	    "%s",
	[VT_TS_PLANNED] =
	    "，计划时间 %s",
	[VT_TS_EMERGENCY] =
	    "紧急检查，未经登记进入现场：企业 %s，执法人员 %s，检查方式 %s；"
	    "补录期限 %s",
	[VT_TS_NOT_COVERED] =
	    "未知（日历未覆盖 %s）",
	[VT_TS_ENTERED] =
	    "执法人员进入现场",
	[VT_TS_LEFT] =
	    "执法人员离开现场",
	[VT_TS_LINKED_AUTO] =
	    "视频段 #%s%s 自动关联到本检查",
	[VT_TS_LINKED_HAND] =
	    "视频段 #%s%s 由操作员关联到本检查",
	[VT_TS_OF_CAMERA] =
	    "（记录仪 %s）",
	[VT_TS_COLON] =
	    "：%s",
	[VT_TS_SEMI] =
	    "；%s",
	[VT_TS_UNLINKED] =
	    "视频段 #%s 解除与本检查的关联：%s",
	[VT_TS_DOCUMENT] =
	    "封存文书：%s“%s”，%s 字节，%s",
	[VT_TS_BACKFILLED] =
	    "补录登记：检查依据 %s，检查内容 %s",
	[VT_TS_BACKFILLED_LATE] =
	    "逾期补录登记：检查依据 %s，检查内容 %s",
	[VT_TS_GAP_REASON] =
	    "%s 至 %s 无视频，原因：%s",
	[VT_TS_CLOSED] =
	    "结案：结果 %s",
	[VT_TS_DEADLINE] =
	    "；整改期限 %s",
	[VT_TS_REVIEW] =
	    "法制审核（审核人 %s）：%s",
	[VT_TS_FEEDBACK] =
	    "企业反馈：%s",
	[VT_TS_EXPORTED] =
	    "导出证据包",
	[VT_TS_BY] =
	    "（操作人 %s）",
	[VT_TS_VIEWED] =
	    "在工作站查看（%s）",
	[VT_TS_DECISION] =
	    "送达行政处罚决定书：文号 %s，处罚内容 %s，送达时间 %s",
	[VT_TS_NOTICE] =
	    "；同时送达信用修复告知书 %s",
	[VT_TS_NO_NOTICE] =
	    "；未同时送达信用修复告知书",
	[VT_TS_CREDIT_APPLIED] =
	    "企业申请信用修复（收到时间 %s）：%s；答复期限 %s",
	[VT_TS_CREDIT_ANSWERED] =
	    "答复信用修复申请 #%s：%s，答复时间 %s",
	[VT_TS_LATE] =
	    "（逾期答复）",
	[VT_TS_FOOTAGE] =
	    "视频 %s，记录仪 %s%s：%s；来源 %s；%s",
	[VT_TS_CARRIED] =
	    "，佩戴人 %s",
	[VT_TS_DURATION] =
	    "%s 秒，结束于北京时间 %s",
	[VT_TS_MTIME] =
	    "（时间取自文件修改时间：容器未记录拍摄时间）",
	[VT_TS_NOT_AV] =
	    "不是音视频（%s）",
	[VT_TS_NOT_LINKED] =
	    "；已解除与本检查的关联",
	[VT_TS_BEIJING_TIME] =
	    "%s（北京时间）",
	[VT_TP_HEADER] =
	    "检查 %s 的时间线（UTC 时间，旁附北京时间）：",
	[VT_TP_NOT_TIME] =
	    "（不是 RFC 3339 时间）",
	[VT_TP_NO_STEPS] =
	    "（无步骤）",
	[VT_TP_COVERAGE] =
	    "视频覆盖（按记录的开始时间和时长）：",
	[VT_TP_COVER] =
	    "%s 秒，至 %s，视频段 #%s，记录仪 %s",
	[VT_TP_UNLINKED] =
	    "（已解除关联）",
	[VT_TP_NO_FOOTAGE] =
	    "（无视频）",
	[VT_TP_GAPS] =
	    "进入与离开现场之间的视频空档（长于 %s 秒）：",
	[VT_TP_EXPLAINED] =
	    "~ 已说明",
	[VT_TP_UNEXPLAINED] =
	    "! 未说明",
	[VT_TP_GAP] =
	    "至 %s（%s 秒）",
	[VT_TP_NONE] =
	    "（无）",
	[VT_TP_FINDINGS] =
	    "程序问题：",
	[VT_TP_ENTRIES] =
	    "（条目 %s）",
	[VT_TP_CLOCK] =
	    "记录仪时钟比工作站%s %s 秒（对接会话 #%s）：记录时间 %s，校正后 "
	    "%s",
	[VT_TP_AHEAD] =
	    "快",
	[VT_TP_BEHIND] =
	    "慢",
	[VT_TP_CLOCK_UNKNOWN] =
	    "记录仪时钟：对接时未核对（对接会话 #%s：%s）；按记录仪给出的时间记录",
};
