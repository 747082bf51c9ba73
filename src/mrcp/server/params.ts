/**
 * Per-channel parameters (RFC 6787 §6.1 SET-PARAMS / GET-PARAMS): session defaults that every
 * later request inherits unless it carries the header itself. Vendor-Specific-Parameters merge by
 * name. Bounded in count and size.
 */
import { formatHeaderValue, parseHeaderValue, type VendorParam } from '../codec/header-values.js';
import { headerAppliesTo, headerInfo } from '../codec/header-table.js';
import type { HeaderField } from '../codec/message.js';

const VSP = 'vendor-specific-parameters';
/** Headers that describe a message, not a setting; never stored. */
const NOT_PARAMS = new Set([
  'channel-identifier',
  'content-length',
  'content-type',
  'content-id',
  'active-request-id-list',
  'completion-cause',
  'completion-reason',
]);

export interface SetParamsOutcome {
  status: 200 | 201 | 403 | 404;
  /** The offending header for 403/404. */
  bad?: HeaderField;
}

export class ParamStore {
  private readonly values = new Map<string, HeaderField>();
  private readonly vendor = new Map<string, string>();

  constructor(
    private readonly resource: string,
    private readonly maxEntries = 256,
    private readonly maxValueLength = 4096,
  ) {}

  /**
   * Applies SET-PARAMS headers atomically: all or nothing. 403 for a known header that does not
   * belong to this resource, 404 for an illegal value, 201 when unknown headers were ignored.
   */
  set(headers: readonly HeaderField[]): SetParamsOutcome {
    let ignored = false;
    const updates: HeaderField[] = [];
    const vendor: VendorParam[] = [];
    for (const h of headers) {
      const lower = h.name.toLowerCase();
      if (NOT_PARAMS.has(lower)) continue;
      const info = headerInfo(h.name);
      if (!info) {
        ignored = true;
        continue;
      }
      if (!headerAppliesTo(h.name, this.resource)) return { status: 403, bad: h };
      if (h.value.length > this.maxValueLength) return { status: 404, bad: h };
      const v = parseHeaderValue(info.kind, h.value);
      if (!v.ok) return { status: 404, bad: h };
      if (lower === VSP) vendor.push(...(v.value as VendorParam[]));
      else updates.push({ name: info.name, value: h.value });
    }
    if (this.values.size + updates.length + this.vendor.size + vendor.length > this.maxEntries) {
      return { status: 404, bad: updates[0] ?? { name: 'Vendor-Specific-Parameters', value: '' } };
    }
    for (const u of updates) this.values.set(u.name.toLowerCase(), u);
    for (const p of vendor) this.vendor.set(p.name, p.value);
    return { status: ignored ? 201 : 200 };
  }

  /**
   * GET-PARAMS (§6.1): the values of the headers named in the request (an empty list asks for
   * all). A name not set returns `defaults`' value when there is one.
   */
  get(requested: readonly HeaderField[], defaults: ReadonlyMap<string, string>): HeaderField[] {
    const out: HeaderField[] = [];
    const asked = requested.filter((h) => !NOT_PARAMS.has(h.name.toLowerCase()));
    if (asked.length === 0) {
      out.push(...this.values.values());
      for (const [k, v] of defaults)
        if (!this.values.has(k.toLowerCase())) out.push({ name: headerInfo(k)?.name ?? k, value: v });
      if (this.vendor.size > 0) out.push(this.vendorHeader([...this.vendor.keys()]));
      return out;
    }
    for (const h of asked) {
      const lower = h.name.toLowerCase();
      if (lower === VSP) {
        const names = h.value
          .split(';')
          .map((s) => s.split('=')[0]!.trim())
          .filter((s) => s !== '');
        const header = this.vendorHeader(names.length ? names : [...this.vendor.keys()]);
        if (header.value !== '') out.push(header);
        continue;
      }
      const name = headerInfo(h.name)?.name ?? h.name;
      const stored = this.values.get(lower);
      if (stored) out.push(stored);
      else {
        const d = [...defaults].find(([k]) => k.toLowerCase() === lower);
        if (d) out.push({ name, value: d[1] });
      }
    }
    return out;
  }

  private vendorHeader(names: readonly string[]): HeaderField {
    const params = names
      .filter((n) => this.vendor.has(n))
      .map((n) => ({ name: n, value: this.vendor.get(n) as string }));
    return { name: 'Vendor-Specific-Parameters', value: formatHeaderValue('vendor', params) };
  }

  /** Channel params overlaid by a request's own headers (request wins), for a job. */
  effective(request: readonly HeaderField[]): HeaderField[] {
    const out = new Map(this.values);
    for (const h of request) {
      const lower = h.name.toLowerCase();
      if (lower !== VSP && !NOT_PARAMS.has(lower)) out.set(lower, h);
    }
    return [...out.values()];
  }

  /** Vendor parameters in force: channel ones overlaid by the request's. */
  vendorParams(request: readonly HeaderField[]): VendorParam[] {
    const merged = new Map(this.vendor);
    for (const h of request) {
      if (h.name.toLowerCase() !== VSP) continue;
      const v = parseHeaderValue('vendor', h.value);
      if (v.ok) for (const p of v.value) merged.set(p.name, p.value);
    }
    return [...merged].map(([name, value]) => ({ name, value }));
  }
}
