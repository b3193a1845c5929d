/*
 * verify_text_codes_zh: the Chinese labels of the codes and names a
 * report shows (verify_text.h, the messages from VT_CODES_FIRST on):
 * entry types, inspection methods and results, probe status, how a dock
 * session ended, document kinds, profiles, why a camera clock was not
 * checked, the names of the checks, the words of a disposal (its
 * verdict, its sentences, its rule: docs/retention.md) and the problems
 * of a clip's packets.  A label keeps
 * its code beside it in brackets where the reader may want to look it
 * up.
 */
#include <inttypes.h>

#include "verify_text.h"

const char *const verify_text_codes_zh[VT_NMSGS] = {
	[VT_ET_STATION_STARTED] =
	    "工作站启动",
	[VT_ET_STATION_STOPPED] =
	    "工作站停止",
	[VT_ET_KEY_ROTATED] =
	    "签名密钥轮换",
	[VT_ET_OFFICER_ADDED] =
	    "登记执法人员",
	[VT_ET_ENTERPRISE_ADDED] =
	    "登记企业",
	[VT_ET_ENTERPRISE_RISK] =
	    "企业风险等级",
	[VT_ET_DEVICE_REGISTERED] =
	    "登记执法记录设备",
	[VT_ET_CAMERA_ASSIGNED] =
	    "记录仪分配",
	[VT_ET_INSPECTION_REGISTERED] =
	    "登记检查",
	[VT_ET_INSPECTION_EMERGENCY] =
	    "紧急检查",
	[VT_ET_INSPECTION_BACKFILLED] =
	    "补录登记",
	[VT_ET_INSPECTION_ENTERED] =
	    "进入现场",
	[VT_ET_INSPECTION_LEFT] =
	    "离开现场",
	[VT_ET_INSPECTION_GAP_REASON] =
	    "视频空档说明",
	[VT_ET_INSPECTION_CLOSED] =
	    "结案",
	[VT_ET_INSPECTION_VIEWED] =
	    "查看",
	[VT_ET_ENTERPRISE_FEEDBACK] =
	    "企业反馈",
	[VT_ET_REVIEW_RECORDED] =
	    "法制审核",
	[VT_ET_BUNDLE_EXPORTED] =
	    "导出证据包",
	[VT_ET_DECISION_SERVED] =
	    "送达处罚决定书",
	[VT_ET_CREDIT_REPAIR_APPLIED] =
	    "申请信用修复",
	[VT_ET_CREDIT_REPAIR_ANSWERED] =
	    "答复信用修复",
	[VT_ET_SEGMENT_SEALED] =
	    "视频",
	[VT_ET_DOCUMENT_SEALED] =
	    "封存文书",
	[VT_ET_DOCK_SESSION] =
	    "记录仪对接",
	[VT_ET_LIVE_GAP] =
	    "直播中断",
	[VT_ET_EVIDENCE_LINKED] =
	    "关联证据",
	[VT_ET_EVIDENCE_UNLINKED] =
	    "解除关联",
	[VT_ET_OBJECT_DELETED] =
	    "删除对象",
	[VT_ET_OTHER] =
	    "其他记录（%s）",
	[VT_C_ONSITE] =
	    "现场检查",
	[VT_C_OFFSITE] =
	    "非现场检查",
	[VT_C_DRONE] =
	    "无人机巡查",
	[VT_C_APPROVED] =
	    "通过",
	[VT_C_RETURNED] =
	    "退回",
	[VT_C_GRANTED] =
	    "准予修复",
	[VT_C_REFUSED] =
	    "不予修复",
	[VT_PR_OK] =
	    "可以解码（ok）",
	[VT_PR_NOT_MEDIA] =
	    "不是媒体文件（not_media）",
	[VT_PR_DAMAGED] =
	    "文件已损坏（damaged）",
	[VT_PR_CRASHED] =
	    "解码子进程崩溃（crashed）",
	[VT_PR_TIMEOUT] =
	    "探测超时（timeout）",
	[VT_PR_FAILED] =
	    "探测失败（failed）",
	[VT_PR_UNKNOWN] =
	    "结果不明（unknown）",
	[VT_SE_COMPLETE] =
	    "正常完成（complete）",
	[VT_SE_STOPPED] =
	    "工作站停止时结束（stopped）",
	[VT_SE_UNDOCKED] =
	    "记录仪被中途拔出（undocked）",
	[VT_DK_RECORD] =
	    "现场检查记录（record）",
	[VT_DK_REFUSAL] =
	    "拒绝签字记录（refusal）",
	[VT_DK_NOTICE] =
	    "告知书（notice）",
	[VT_DK_PHOTO] =
	    "照片（photo）",
	[VT_DK_OTHER] =
	    "其他文书（other）",
	[VT_PF_DEFAULT] =
	    "默认（default）",
	[VT_PF_SM] =
	    "国密（sm）",
	[VT_CN_BUNDLE_LAYOUT] =
	    "证据包结构（bundle.layout）",
	[VT_CN_BUNDLE_MANIFEST] =
	    "证据包说明文件（bundle.manifest）",
	[VT_CN_CHAIN_COMPLETE] =
	    "检查链条完整（chain.complete）",
	[VT_CN_CHAIN_LINK] =
	    "链条链接（chain.link）",
	[VT_CN_CHECKPOINT_BODY] =
	    "检查点内容（checkpoint.body）",
	[VT_CN_CHECKPOINT_SIGNATURE] =
	    "检查点签名（checkpoint.signature）",
	[VT_CN_CLIP_PACKETS] =
	    "剪辑数据包（clip.packets）",
	[VT_CN_CLIP_PROOF] =
	    "剪辑数据包证明（clip.proof）",
	[VT_CN_ENTRY_FOREIGN] =
	    "他处条目（entry.foreign）",
	[VT_CN_ENTRY_FORMAT] =
	    "条目格式（entry.format）",
	[VT_CN_ENTRY_INDEX] =
	    "条目序号（entry.index）",
	[VT_CN_ENTRY_PRESENT] =
	    "条目齐全（entry.present）",
	[VT_CN_ENTRY_PROOF] =
	    "包含证明（entry.proof）",
	[VT_CN_ENTRY_STATION] =
	    "条目所属工作站（entry.station）",
	[VT_CN_KEY_STATION_VKEY] =
	    "包内验证密钥（key.station_vkey）",
	[VT_CN_MEDIA_FOREIGN] =
	    "未登记的媒体文件（media.foreign）",
	[VT_CN_MEDIA_HASH] =
	    "媒体文件哈希（media.hash）",
	[VT_CN_MEDIA_PACKET_ROOT] =
	    "数据包根哈希（media.packet_root）",
	[VT_CN_MEDIA_PRESENT] =
	    "媒体文件齐全（media.present）",
	[VT_CN_SEGMENTS_PRESENT] =
	    "录像片段齐全（segments.present）",
	[VT_CN_TIMESTAMP_TOKEN] =
	    "时间戳令牌（timestamp.token）",
	[VT_DR_NO_FILE] =
	    "存储卡上没有时钟文件",
	[VT_DR_BAD_LINE] =
	    "时钟文件的第一行不是“年-月-日 时:分:秒”",
	[VT_DR_NOT_MEASURED] =
	    "对接会话没有测量时钟偏差",
	[VT_DR_NOT_READING] =
	    "对接会话记录的偏差（drift_ms）不是有效的时钟读数",
	[VT_CN_MEDIA_DISPOSED] =
	    "已依规处置的媒体文件（media.disposed）",
	[VT_V_DISPOSED] =
	    "已依规处置",
	[VT_VI_DISPOSED] =
	    "，已依规处置 %lld",
	[VT_SG_ALL_DISPOSED] =
	    "录像片段：全部 %zu 个关联片段均有着落：%zu 个在包内且未被改动，"
	    "%zu 个已依保存期限规则处置",
	[VT_SG_DISPOSED] =
	    "已由第 %" PRIu64 " 条记录于 %s 依规则%s处置",
	[VT_MD_DISPOSED] =
	    "条目 %" PRIu64 "（%s）封存的 %s 已由第 %" PRIu64 " 条记录于 %s "
	    "依规则%s处置，其哈希值仍保留在日志中",
	[VT_PROVEN_DISPOSED] =
	    "另有 %lld 个关联片段已依保存期限规则处置，"
	    "其哈希值仍保留在日志中。",
	[VT_RULE] =
	    "（%s）保存 %s",
	[VT_RULE_DAYS] =
	    "%u 天",
	[VT_RULE_MONTHS] =
	    "%u 个月",
	[VT_RULE_YEARS] =
	    "%u 年",
	[VT_CW_ALTERED] =
	    "数据包已被改动",
	[VT_CW_OUTSIDE] =
	    "位置超出所截范围",
	[VT_CW_TWICE] =
	    "位置重复",
	[VT_CW_ORDER] =
	    "顺序被调换",
	[VT_CW_MISSING] =
	    "缺少该位置的数据包",
	[VT_CW_NOPROOF] =
	    "数据包没有证明",
	[VT_CW_NOPACKET] =
	    "证明没有对应的数据包",
	[VT_CW_BADPROOF] =
	    "证明格式错误",
};
