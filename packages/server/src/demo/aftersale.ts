/**
 * 售后 data: how often orders of each category are refunded, why, and what reviewers write
 * (the Chinese texts feed the platform's pain-point tagging).
 */
import type { DemoCategory } from './calendar';
import type { Rng } from './random';

/** Chance that a paid order with a line of the category is refunded (退货退款 or partly); 服饰 (sizes) most, 数码 least. */
export const refundChance: Record<DemoCategory, number> = { 服饰: 0.085, 美妆: 0.06, 数码: 0.03, 食品: 0.05, 家居: 0.06, 母婴: 0.055 };

export const refundReasons: Record<DemoCategory, string[]> = {
  服饰: ['尺码不合适', '尺码不合适', '不喜欢/不想要了', '有色差', '质量问题'],
  美妆: ['使用后过敏', '不想要了', '临期/保质期问题', '发错货'],
  数码: ['质量问题', '功能故障', '七天无理由退货', '不想要了'],
  食品: ['包装破损', '口味不喜欢', '临期/保质期问题', '少件'],
  家居: ['尺寸不符', '质量问题', '有异味', '不想要了'],
  母婴: ['宝宝不适应', '质量问题', '尺码不合适', '不想要了'],
};
export const partialRefundReasons = ['价保退差价', '商品瑕疵补偿', '少件补差价'];

const reviewTexts: Record<DemoCategory, { good: string[]; bad: string[] }> = {
  服饰: { good: ['面料舒服，版型好看', '尺码标准，上身效果不错', '颜色很正，很显气质'], bad: ['尺码偏小，建议拍大一码', '有色差，和图片不太一样', '有线头，做工一般', '洗了一次就起球'] },
  美妆: { good: ['用了一周皮肤状态变好了', '味道好闻，很滋润', '持妆很久，不卡粉'], bad: ['用了有点过敏泛红', '感觉是临期产品', '瓶子漏液了', '效果一般，有点油'] },
  数码: { good: ['音质不错，连接稳定', '充电很快，做工精致', '运行流畅，拍照清楚'], bad: ['续航不行，半天就没电', '蓝牙经常断连', '发热严重', '屏幕有坏点'] },
  食品: { good: ['很新鲜，孩子很爱吃', '味道不错，会回购', '分量足，包装精美'], bad: ['快过期了', '口味偏咸', '有几包漏气了', '和上次买的味道不一样'] },
  家居: { good: ['很好用，质量扎实', '摸着很舒服，颜色正', '收纳效果很好'], bad: ['有异味，要晾很久', '安装说明看不懂', '尺寸和描述不符', '用了一个月就坏了'] },
  母婴: { good: ['宝宝很喜欢', '吸收性很好，不红屁屁', '质量放心，会一直回购'], bad: ['宝宝用了红屁屁', '奶瓶有异味', '尺码偏大', '宝宝不爱喝'] },
};
const generalGood = ['物流很快，包装完好', '性价比高，会回购', '客服态度很好', '和描述一致'];
const generalBad = ['物流太慢了，等了一周才到', '包装破损，有点失望', '客服回复太慢', '发错货了，换货很麻烦'];

/** A review text for a rating: the category's praise or complaint, or a general one (物流, 客服). */
export function reviewText(rng: Rng, category: DemoCategory, rating: number): string {
  const texts = reviewTexts[category];
  const pool = rating >= 4 ? (rng.chance(0.7) ? texts.good : generalGood) : rng.chance(0.7) ? texts.bad : generalBad;
  return (rating === 3 ? '还行，' : '') + rng.pick(pool);
}
