import type { PricingScope } from '@flywheel/contracts';

/** A scope ready for matching: sets for SKUs, category paths without trailing slashes. */
export interface CompiledScope {
  /** Empty scope: the whole cart (less the excluded SKUs). */
  all: boolean;
  skus: ReadonlySet<string>;
  categories: readonly string[];
  exclude: ReadonlySet<string>;
}

export function compileScope(scope: PricingScope): CompiledScope {
  const categories = scope.categories.map(normalizeCategory).filter(Boolean);
  return { all: scope.skus.length === 0 && categories.length === 0, skus: new Set(scope.skus), categories, exclude: new Set(scope.excludeSkus) };
}

/** 服饰 / 女装 -> 服饰/女装, as commerce stores paths. */
export function normalizeCategory(path: string): string {
  return path.split('/').map((p) => p.trim()).filter(Boolean).join('/');
}

/** A category matches its path and everything under it by whole segments: 服饰 takes 服饰/女装/连衣裙, not 服饰配件. */
export function categoryMatches(scopeCategory: string, category: string | null): boolean {
  if (category === null) return false;
  return category === scopeCategory || (category.length > scopeCategory.length && category.startsWith(scopeCategory) && category[scopeCategory.length] === '/');
}

/** Whether a SKU of a category is in the scope; `excludeSkus` wins over everything. */
export function inScope(scope: CompiledScope, sku: string, category: string | null): boolean {
  if (scope.exclude.has(sku)) return false;
  if (scope.all || scope.skus.has(sku)) return true;
  for (const c of scope.categories) if (categoryMatches(c, category)) return true;
  return false;
}

/** The category and each of its ancestors: 服饰/女装/连衣裙 -> 服饰, 服饰/女装, 服饰/女装/连衣裙. */
export function categoryPrefixes(category: string | null): string[] {
  if (!category) return [];
  const parts = category.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
