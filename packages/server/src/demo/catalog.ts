/**
 * The demo shop's catalog: ~220 SPUs / ~500 SKUs over six categories, with fictional brands,
 * list prices that end in 9 like real ones, category-dependent margins and long-tail popularity.
 */
import type { ProductRecord } from '@flywheel/contracts';
import type { DemoCategory } from './calendar';
import { demoCategories } from './calendar';
import { Rng, WeightedTable, hash32 } from './random';

type VariantKind = 'apparel' | 'shoes' | 'volume' | 'storage' | 'color' | 'weight' | 'bedding' | 'stage' | 'diaper' | 'none';

interface Leaf {
  path: string;
  /** List price range in yuan. */
  price: [number, number];
  /** How many SPUs the shop lists in this leaf. */
  count: number;
  /** Title fragments (卖点) put in front of the leaf name. */
  styles: string[];
  variants: VariantKind;
  /** How many units people usually take at once (食品 and 尿裤 are bought by the pack). */
  packs?: number;
}

interface CategorySpec {
  /** Gross margin range (1 - cost / price). */
  margin: [number, number];
  /** Share of units sold on an ordinary day. */
  share: number;
  brands: string[];
  leaves: Leaf[];
}

export const categorySpecs: Record<DemoCategory, CategorySpec> = {
  服饰: {
    margin: [0.4, 0.6], share: 0.28,
    brands: ['素笺', '澜序', '初禾', '北纬三十', '轻野', '棉小白', '织里'],
    leaves: [
      { path: '服饰/女装/连衣裙', price: [129, 599], count: 11, styles: ['法式碎花', '收腰显瘦', '针织', '真丝', '小香风', '吊带', '通勤'], variants: 'apparel' },
      { path: '服饰/女装/T恤', price: [59, 199], count: 8, styles: ['纯棉短袖', '宽松', '印花', '冰丝', '基础款'], variants: 'apparel' },
      { path: '服饰/女装/羽绒服', price: [399, 1599], count: 6, styles: ['轻薄', '中长款', '90白鸭绒', '连帽'], variants: 'apparel' },
      { path: '服饰/男装/衬衫', price: [99, 399], count: 7, styles: ['免烫', '商务', '牛津纺', '亚麻'], variants: 'apparel' },
      { path: '服饰/男装/夹克', price: [199, 799], count: 5, styles: ['工装', '立领', '防风'], variants: 'apparel' },
      { path: '服饰/运动/运动鞋', price: [199, 899], count: 8, styles: ['缓震跑步', '透气', '老爹', '轻量'], variants: 'shoes' },
      { path: '服饰/内衣/文胸', price: [79, 299], count: 5, styles: ['无钢圈', '无痕', '聚拢'], variants: 'apparel' },
    ],
  },
  美妆: {
    margin: [0.5, 0.7], share: 0.2,
    brands: ['花知', '颜究所', '雪芙', '青黛', '柔光实验室', '木兰集'],
    leaves: [
      { path: '美妆/护肤/精华', price: [199, 899], count: 8, styles: ['修护', '美白淡斑', '抗初老', '玻色因'], variants: 'volume' },
      { path: '美妆/护肤/面霜', price: [129, 699], count: 7, styles: ['保湿', '舒缓', '紧致'], variants: 'volume' },
      { path: '美妆/护肤/面膜', price: [59, 199], count: 6, styles: ['补水', '清洁泥膜', '修护'], variants: 'none', packs: 1.6 },
      { path: '美妆/彩妆/口红', price: [89, 399], count: 8, styles: ['丝绒哑光', '水光', '唇釉'], variants: 'color' },
      { path: '美妆/彩妆/粉底液', price: [129, 499], count: 5, styles: ['持妆', '水润', '遮瑕'], variants: 'color' },
      { path: '美妆/个护/洗发水', price: [39, 129], count: 4, styles: ['控油', '去屑', '氨基酸'], variants: 'volume', packs: 1.5 },
      { path: '美妆/香水', price: [199, 899], count: 3, styles: ['淡香', '木质调', '花果香'], variants: 'volume' },
    ],
  },
  数码: {
    // Electronics sell on thin margins, but a shop that sold tablets at cost would stop: 16-26% at list price.
    margin: [0.16, 0.26], share: 0.12,
    brands: ['极光', '声浪', '星环', '小方', '迅驰', '云核'],
    leaves: [
      { path: '数码/手机/智能手机', price: [1299, 6999], count: 5, styles: ['5G', '影像旗舰', '长续航'], variants: 'storage' },
      { path: '数码/耳机/蓝牙耳机', price: [99, 1999], count: 7, styles: ['降噪', '运动', '半入耳'], variants: 'color' },
      { path: '数码/配件/充电宝', price: [59, 299], count: 5, styles: ['快充', '磁吸', '大容量'], variants: 'color' },
      { path: '数码/配件/数据线', price: [19, 89], count: 5, styles: ['快充', '编织', '三合一'], variants: 'none', packs: 1.4 },
      { path: '数码/智能穿戴/智能手表', price: [299, 2999], count: 4, styles: ['运动', '健康监测', '儿童'], variants: 'color' },
      { path: '数码/电脑/平板', price: [1499, 5999], count: 3, styles: ['学习', '办公', '护眼'], variants: 'storage' },
    ],
  },
  食品: {
    margin: [0.25, 0.35], share: 0.16,
    brands: ['山野', '谷稻香', '坚果派', '茶语', '醇香', '牧场家'],
    leaves: [
      { path: '食品/零食/坚果', price: [29, 129], count: 8, styles: ['每日坚果', '碧根果', '夏威夷果', '混合'], variants: 'weight', packs: 2 },
      { path: '食品/零食/饼干糕点', price: [19, 79], count: 7, styles: ['手工', '低糖', '蛋黄酥'], variants: 'weight', packs: 2.2 },
      { path: '食品/茶饮/茶叶', price: [68, 498], count: 6, styles: ['明前龙井', '正山小种', '白茶', '普洱'], variants: 'weight' },
      { path: '食品/茶饮/咖啡', price: [39, 159], count: 5, styles: ['挂耳', '冻干', '咖啡豆'], variants: 'weight', packs: 1.8 },
      { path: '食品/粮油/大米', price: [39, 119], count: 3, styles: ['五常', '东北', '有机'], variants: 'weight', packs: 1.3 },
      { path: '食品/粮油/调味酱料', price: [15, 59], count: 4, styles: ['牛排酱', '黑椒汁', '蚝油'], variants: 'none', packs: 1.8 },
      { path: '食品/生鲜/牛排', price: [99, 299], count: 4, styles: ['原切西冷', '眼肉', '菲力'], variants: 'weight', packs: 1.6 },
      { path: '食品/饮料', price: [39, 99], count: 3, styles: ['气泡水', '椰子水', '无糖茶'], variants: 'none', packs: 1.5 },
    ],
  },
  家居: {
    margin: [0.35, 0.5], share: 0.14,
    brands: ['木槿生活', '栖居', '素舍', '暖巢', '净界', '厨匠'],
    leaves: [
      { path: '家居/床品/四件套', price: [199, 899], count: 7, styles: ['全棉', '天丝', '水洗棉', '长绒棉'], variants: 'bedding' },
      { path: '家居/收纳/收纳箱', price: [29, 149], count: 5, styles: ['可折叠', '透明', '抽屉式'], variants: 'none', packs: 1.6 },
      { path: '家居/厨具/炒锅', price: [129, 599], count: 5, styles: ['不粘', '铸铁', '麦饭石'], variants: 'none' },
      { path: '家居/家纺/毛巾', price: [29, 99], count: 5, styles: ['纯棉', 'A类', '速干'], variants: 'color', packs: 1.7 },
      { path: '家居/清洁/洗衣液', price: [29, 89], count: 5, styles: ['除菌', '香氛', '浓缩'], variants: 'weight', packs: 1.5 },
      { path: '家居/家具/懒人沙发', price: [299, 1299], count: 3, styles: ['豆袋', '可拆洗'], variants: 'color' },
      { path: '家居/香薰', price: [59, 259], count: 4, styles: ['无火', '扩香石', '蜡烛'], variants: 'none' },
    ],
  },
  母婴: {
    margin: [0.25, 0.4], share: 0.1,
    brands: ['贝优', '小橡果', '安心宝', '童趣', '暖暖熊'],
    leaves: [
      { path: '母婴/奶粉/婴儿奶粉', price: [198, 468], count: 5, styles: ['有机', 'A2', '羊奶粉'], variants: 'stage', packs: 1.8 },
      { path: '母婴/尿裤/纸尿裤', price: [89, 239], count: 6, styles: ['超薄', '拉拉裤', '夜用'], variants: 'diaper', packs: 2 },
      { path: '母婴/喂养/奶瓶', price: [59, 199], count: 4, styles: ['宽口径', '玻璃', '防胀气'], variants: 'none' },
      { path: '母婴/童装/童装套装', price: [79, 299], count: 5, styles: ['纯棉', '春秋', '爬服'], variants: 'apparel' },
      { path: '母婴/玩具/益智玩具', price: [49, 299], count: 5, styles: ['积木', '早教', '拼图'], variants: 'none' },
    ],
  },
};

interface Variant {
  attributes: Record<string, string>;
  /** Price relative to the base variant. */
  priceFactor: number;
}

const colors = ['黑色', '白色', '米杏', '雾霾蓝', '燕麦色', '酒红'];

function variantsOf(kind: VariantKind, rng: Rng): Variant[] {
  const take = <T>(items: T[], n: number) => items.slice(0, n);
  // Most SPUs come in several variants: skewed towards the full range.
  const count = (max: number) => 1 + Math.floor(max * Math.sqrt(rng.next()));
  switch (kind) {
    case 'apparel': {
      const sizes = ['S', 'M', 'L', 'XL'];
      const color = rng.pick(colors);
      return take(sizes, count(4)).map((size) => ({ attributes: { 颜色: color, 尺码: size }, priceFactor: 1 }));
    }
    case 'shoes':
      return take(['37', '39', '41', '43'], count(4)).map((size) => ({ attributes: { 尺码: size }, priceFactor: 1 }));
    case 'volume':
      return take([['30ml', 1], ['50ml', 1.55], ['100ml', 2.6]] as const, count(3)).map(([v, f]) => ({ attributes: { 规格: v }, priceFactor: f }));
    case 'storage':
      return take([['128GB', 1], ['256GB', 1.15], ['512GB', 1.35]] as const, count(3)).map(([v, f]) => ({ attributes: { 存储: v }, priceFactor: f }));
    case 'color': {
      const start = rng.int(colors.length);
      const rotated = [...colors.slice(start), ...colors.slice(0, start)];
      return take(rotated, count(3)).map((c) => ({ attributes: { 颜色: c }, priceFactor: 1 }));
    }
    case 'weight':
      return take([['250g', 1], ['500g', 1.8], ['1kg', 3.3]] as const, count(3)).map(([v, f]) => ({ attributes: { 规格: v }, priceFactor: f }));
    case 'bedding':
      return take([['1.5m床', 1], ['1.8m床', 1.15], ['2.0m床', 1.3]] as const, count(3)).map(([v, f]) => ({ attributes: { 尺寸: v }, priceFactor: f }));
    case 'stage':
      return take(['1段', '2段', '3段'], count(3)).map((s) => ({ attributes: { 段位: s }, priceFactor: 1 }));
    case 'diaper':
      return take(['S', 'M', 'L', 'XL'], count(4)).map((s) => ({ attributes: { 尺码: s }, priceFactor: 1 }));
    case 'none':
      // 单件 or also a 两件装 bundle a little cheaper per piece.
      return rng.chance(0.45) ? [{ attributes: { 规格: '单件' }, priceFactor: 1 }, { attributes: { 规格: '两件装' }, priceFactor: 1.85 }] : [{ attributes: {}, priceFactor: 1 }];
  }
}

/** Prices end in 9 as shoppers expect: 59, 129, 1299, 19.9. Returns 分. */
export function charmPrice(yuanAmount: number): number {
  if (yuanAmount < 30) return Math.max(990, Math.round(yuanAmount) * 100 - 10);
  if (yuanAmount < 1000) return (Math.round(yuanAmount / 10) * 10 - 1) * 100;
  return (Math.round(yuanAmount / 100) * 100 - 1) * 100;
}

/** The catalog's products. SPU ids P1001..., SKU ids P1001-1... */
export function generateProducts(seed: number): ProductRecord[] {
  const rng = new Rng(seed, 'catalog');
  const products: ProductRecord[] = [];
  let next = 1001;
  for (const category of demoCategories) {
    const spec = categorySpecs[category];
    for (const leaf of spec.leaves) {
      const leafName = leaf.path.split('/').at(-1) ?? leaf.path;
      for (let i = 0; i < leaf.count; i++) {
        const id = `P${next++}`;
        const brand = rng.pick(spec.brands);
        const style = leaf.styles[i % leaf.styles.length];
        const [min, max] = leaf.price;
        const base = Math.exp(rng.uniform(Math.log(min), Math.log(max)));
        const margin = rng.uniform(spec.margin[0], spec.margin[1]);
        const skus = variantsOf(leaf.variants, rng).map((variant, k) => {
          const price = charmPrice(base * variant.priceFactor);
          const sku: ProductRecord['skus'][number] = { sku: `${id}-${k + 1}`, price, cost: Math.round(price * (1 - margin * rng.uniform(0.92, 1.08))) };
          if (Object.keys(variant.attributes).length > 0) sku.attributes = variant.attributes;
          return sku;
        });
        const suffix = i >= leaf.styles.length ? ` ${['新款', '升级款', '经典款', 'Pro'][Math.floor(i / leaf.styles.length) % 4]}` : '';
        // A few old SPUs are taken off the shelf (下架): they stay in the catalog but never sell.
        const status = rng.chance(0.02) ? 'inactive' : 'active';
        products.push({ externalId: id, title: `${brand} ${style}${leafName}${suffix}`, category: leaf.path, brand, status, skus });
      }
    }
  }
  return products;
}

/** One sellable SKU with what the simulation needs to know about it. */
export interface SkuInfo {
  index: number;
  sku: string;
  productId: string;
  title: string;
  category: DemoCategory;
  path: string;
  leafName: string;
  brand: string;
  price: number;
  cost: number;
  /** Typical number of units per order line. */
  packs: number;
  /** Share of its category's sales on an ordinary day. */
  popularity: number;
  /** 滞销: hardly sells; the shop keeps too much of it. */
  slowMover: boolean;
  /** Badly planned replenishment: orders late and too little, so it runs out now and then. */
  sloppyReplenishment: boolean;
  /** Takes part in campaign price cuts (活动价 / 直降). */
  onPromotion: boolean;
}

export interface CatalogIndex {
  skus: SkuInfo[];
  bySku: Map<string, SkuInfo>;
  /** Per category: its SKUs and a popularity table to draw from. */
  byCategory: Record<DemoCategory, { skus: SkuInfo[]; table: WeightedTable }>;
}

const categoryOfPath = (path: string): DemoCategory => {
  const top = path.split('/')[0] as DemoCategory;
  return demoCategories.includes(top) ? top : '家居';
};

/**
 * Derives popularity from the products and the seed, so the catalog generator (to size stock)
 * and the day simulation (to pick what sells) agree without storing hidden fields in the records.
 * Popularity is Zipf-like over SPUs within a category, cheaper SPUs tending to sell more.
 */
export function indexCatalog(seed: number, products: ProductRecord[]): CatalogIndex {
  const skus: SkuInfo[] = [];
  const leafPacks = new Map<string, number>();
  for (const spec of Object.values(categorySpecs)) for (const leaf of spec.leaves) leafPacks.set(leaf.path, leaf.packs ?? 1.1);
  const byCategory = {} as CatalogIndex['byCategory'];
  for (const category of demoCategories) {
    const rng = new Rng(seed, hash32(7, demoCategories.indexOf(category)));
    const spus = products.filter((p) => categoryOfPath(p.category) === category && p.status !== 'inactive' && p.status !== 'archived');
    // Rank by price with noise: the cheap everyday items lead, a few premium ones still sell well.
    const ranked = spus
      .map((p) => ({ p, key: Math.log(Math.max(1, p.skus[0].price)) + rng.normal() * 0.6 }))
      .sort((a, b) => a.key - b.key || (a.p.externalId < b.p.externalId ? -1 : 1));
    const list: SkuInfo[] = [];
    ranked.forEach(({ p }, rank) => {
      const slowMover = rank >= ranked.length * 0.8 && rng.chance(0.6);
      const spuWeight = Math.pow(rank + 1, -1.1) * (slowMover ? 0.08 : 1);
      // One variant usually dominates (the M size, the 50ml bottle).
      const variantWeights = p.skus.map((_, k) => (k === 0 ? 1 : 0.3 + rng.next()) * (k === 1 ? 1.4 : 1));
      const variantTotal = variantWeights.reduce((a, b) => a + b, 0);
      p.skus.forEach((s, k) => {
        const info: SkuInfo = {
          index: -1, sku: s.sku, productId: p.externalId, title: p.title, category, path: p.category,
          leafName: p.category.split('/').at(-1) ?? p.category, brand: p.brand ?? '',
          price: s.price, cost: s.cost ?? Math.round(s.price * 0.6), packs: leafPacks.get(p.category) ?? 1.1,
          popularity: (spuWeight * variantWeights[k]) / variantTotal, slowMover,
          sloppyReplenishment: !slowMover && rank < ranked.length * 0.5 && rng.chance(0.08),
          onPromotion: rng.chance(0.35),
        };
        list.push(info);
      });
    });
    const total = list.reduce((a, s) => a + s.popularity, 0);
    for (const s of list) s.popularity /= total || 1;
    byCategory[category] = { skus: list, table: new WeightedTable(list.map((s) => s.popularity)) };
    skus.push(...list);
  }
  skus.forEach((s, i) => (s.index = i));
  return { skus, bySku: new Map(skus.map((s) => [s.sku, s])), byCategory };
}

export function categoryShare(category: DemoCategory): number {
  return categorySpecs[category].share;
}
