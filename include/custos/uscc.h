/*
 * uscc: the unified social credit code (统一社会信用代码) of legal
 * persons and other organisations, as GB 32100-2015 《法人和其他组织统一
 * 社会信用代码编码规则》 defines it:
 *
 *	position  1	registration authority code (登记管理部门代码):
 *			1 机构编制, 5 民政, 9 工商, Y 其他 in the 2015 table,
 *			extended since by the coding authority with 2 外交,
 *			3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会,
 *			A 中央军委改革和编制办公室 and N 农业 (law firms'
 *			codes start "31"); any other character is refused
 *	position  2	organisation category code (机构类别代码), any
 *			character of the code set (each authority has its own
 *			list, so it is not checked further)
 *	positions 3-8	administrative division code of the registering
 *			authority (GB/T 2260): six digits
 *	positions 9-17	subject identifier (主体标识码), the organisation
 *			code of GB 11714-1997 whose ninth character (position
 *			17) is its own check character: weights 3 7 9 10 5 8
 *			4 2, C9 = 11 - (sum mod 11), 10 gives X, 11 gives 0
 *	position  18	check character (校验码): with the code set
 *			"0123456789ABCDEFGHJKLMNPQRTUWXY" (values 0-30; no I,
 *			O, Z, S or V) and weights 1 3 9 27 19 26 16 17 20 29
 *			25 13 8 24 10 30 28, C18 = 31 - (sum mod 31), 31
 *			gives 0
 *
 * The standard's own example is 91350100M000100Y43.
 */
#ifndef CUSTOS_USCC_H
#define CUSTOS_USCC_H

#include <stddef.h>

#define USCC_LEN	18

/*
 * Checks that s (NUL-terminated) is a valid code: length, code set,
 * registration authority, division digits, both check characters.
 * Returns 0, or CUSTOS_ERR_FORMAT with one line in reason (reasonlen
 * bytes; may be NULL when reasonlen is 0) such as "check character is 3,
 * expected Y".
 */
int	 uscc_check(const char *s, char *reason, size_t reasonlen);

/*
 * Computes the check character (position 18) of the first 17 characters
 * of s.  Returns it, or '\0' if one of them is outside the code set.
 */
char	 uscc_check_char(const char *s);

#endif
