/*
 * verify_text_witness: the sentences and labels of the witness check
 * (--witness, docs/bundle.md "Witness cosignatures") in both languages,
 * the messages from VT_WS_LABEL on (verify_text.h).  Each pair has the
 * same conversions in the same order (verify_text_check()).
 */
#include "verify_text.h"

const char *const verify_text_witness_zh[VT_NMSGS] = {
	[VT_WS_LABEL] =
	    "见证：",
	[VT_WS_OK] =
	    "检查点有 %zu 个见证方的有效联署签名（共给出 %zu 个，至少需要 "
	    "%zu 个）：%s",
	[VT_WS_SHORT] =
	    "检查点只有 %zu 个见证方的有效联署签名（共给出 %zu 个，至少需要 "
	    "%zu 个）：%s",
	[VT_WS_BAD] =
	    "见证方 %s 的联署签名与检查点不符（签名无效）：%s",
	[VT_WS_VALID] =
	    "%s 已联署（%s）",
	[VT_WS_MISSING] =
	    "%s 未联署",
	[VT_WS_BAD_ITEM] =
	    "%s 的联署签名无效",
	[VT_WS_NO_CKPT] =
	    "没有可读的检查点，无法检查见证方的联署签名",
	[VT_CN_CHECKPOINT_WITNESSES] =
	    "见证联署（checkpoint.witnesses）",
	[VT_H_WITNESSES] =
	    "见证联署",
	[VT_H_WITNESS] =
	    "见证方",
	[VT_H_WITNESS_KEY] =
	    "见证方密钥",
	[VT_H_COSIGNED_AT] =
	    "联署时间",
	[VT_H_STATE] =
	    "状态",
};

const char *const verify_text_witness_en[VT_NMSGS] = {
	[VT_WS_LABEL] =
	    "Witnesses: ",
	[VT_WS_OK] =
	    "the checkpoint carries valid cosignatures of %zu of the %zu "
	    "given witnesses (quorum %zu): %s",
	[VT_WS_SHORT] =
	    "the checkpoint carries valid cosignatures of only %zu of the %zu "
	    "given witnesses (quorum %zu): %s",
	[VT_WS_BAD] =
	    "the cosignature of witness %s does not verify over the "
	    "checkpoint: %s",
	[VT_WS_VALID] =
	    "%s cosigned (%s)",
	[VT_WS_MISSING] =
	    "%s did not cosign",
	[VT_WS_BAD_ITEM] =
	    "%s: bad cosignature",
	[VT_WS_NO_CKPT] =
	    "no readable checkpoint: the witnesses' cosignatures cannot be "
	    "checked",
	[VT_CN_CHECKPOINT_WITNESSES] =
	    "checkpoint.witnesses",
	[VT_H_WITNESSES] =
	    "Witness cosignatures",
	[VT_H_WITNESS] =
	    "Witness",
	[VT_H_WITNESS_KEY] =
	    "Witness key",
	[VT_H_COSIGNED_AT] =
	    "Cosigned at",
	[VT_H_STATE] =
	    "State",
};
