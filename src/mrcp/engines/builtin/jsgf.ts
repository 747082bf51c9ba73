/**
 * Speech grammar tree → JSGF 1.0 for PocketSphinx's `-jsgf` (which it turns into a finite-state
 * grammar). Every SRGS rule becomes a private JSGF rule with a safe name; a repeated sub-tree is
 * its own rule and repeated by reference, so the output grows linearly with the input. Repeat
 * counts beyond `MAX_EXPAND` become `+`/`*`: the decoder may then accept a longer sequence, and
 * the exact counts are enforced afterwards by the word matcher. Bounded in output size.
 */
import { fail, type SNode, type SpeechGrammar } from './srgs-ast.js';

const MAX_EXPAND = 20;

/** JSGF weights are plain decimals (no exponent). */
const weight = (w: number): string => Math.max(w, 1e-6).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
export const FILLER_RULE = 'vg_filler';
export const NOISE_RULE = 'vg_noise';

export class JsgfWriter {
  private readonly rules: string[] = [];
  private readonly names = new Map<string, string>();
  private seq = 0;
  private size = 0;

  constructor(private readonly maxBytes = 512 * 1024) {}

  private add(name: string, body: string): void {
    this.size += name.length + body.length + 8;
    if (this.size > this.maxBytes) fail(`JSGF larger than ${this.maxBytes} bytes`);
    this.rules.push(`<${name}> = ${body};`);
  }

  /** Emits all rules of grammar `gi`; returns the JSGF name of its root rule. */
  grammar(gi: number, g: SpeechGrammar): string {
    let n = 0;
    const local = new Map<string, string>();
    for (const name of g.rules.keys()) local.set(name, `g${gi}_r${n++}`);
    for (const [name, node] of g.rules) {
      const body = this.expr(node, local);
      this.add(local.get(name) as string, body);
    }
    this.names.set(g.ref, local.get(g.root) as string);
    return local.get(g.root) as string;
  }

  private sub(item: SNode, local: Map<string, string>): string {
    if (item.t === 'word' || item.t === 'ref') return this.expr(item, local);
    const name = `vg_s${this.seq++}`;
    this.add(name, this.expr(item, local));
    return `<${name}>`;
  }

  private expr(n: SNode, local: Map<string, string>): string {
    switch (n.t) {
      case 'word':
        return /^[\p{L}\p{N}'-]+$/u.test(n.w) ? n.w : fail(`word "${n.w.slice(0, 20)}" cannot be written`);
      case 'tag':
      case 'null':
        return '<NULL>';
      case 'void':
        return '<VOID>';
      case 'garbage':
        return `[ <${NOISE_RULE}> ]`;
      case 'ref': {
        const r = local.get(n.name);
        return r ? `<${r}>` : fail(`undefined rule ${n.name}`);
      }
      case 'seq': {
        const parts = n.items.filter((i) => i.t !== 'tag').map((i) => this.expr(i, local));
        return parts.length === 0 ? '<NULL>' : `( ${parts.join(' ')} )`;
      }
      case 'alt': {
        const weighted = n.weights.some((w) => w !== 1);
        const parts = n.items.map(
          (i, k) => (weighted ? `/${weight(n.weights[k] ?? 1)}/ ` : '') + this.expr(i, local),
        );
        return `( ${parts.join(' | ')} )`;
      }
      case 'rep': {
        if (n.max === 0) return '<NULL>';
        const x = this.sub(n.item, local);
        const fixed = Array.from({ length: Math.min(n.min, MAX_EXPAND) }, () => x);
        if (n.max === Infinity || n.max - n.min > MAX_EXPAND || n.min > MAX_EXPAND) {
          if (fixed.length === 0) return `[ ( ${x} )+ ]`;
          fixed[fixed.length - 1] = `( ${x} )+`;
          return `( ${fixed.join(' ')} )`;
        }
        let opt = '';
        for (let i = n.min; i < n.max; i++) opt = `[ ${x}${opt ? ' ' + opt : ''} ]`;
        return `( ${[...fixed, opt].filter((s) => s !== '').join(' ') || '<NULL>'} )`;
      }
    }
  }

  /** The whole JSGF document: the weighted grammars and a noise path as alternatives of the root. */
  document(roots: { rule: string; weight: number }[], noiseWeight: number): string {
    const alts = roots.map((r) => `/${weight(r.weight)}/ <${r.rule}>`);
    if (noiseWeight > 0) alts.push(`/${weight(noiseWeight)}/ <${NOISE_RULE}>`);
    return [
      '#JSGF V1.0;',
      'grammar voicegate;',
      `public <vg_root> = ${alts.join(' | ')};`,
      `<${FILLER_RULE}> = _spn_ | _nsn_;`,
      `<${NOISE_RULE}> = ( <${FILLER_RULE}> )+;`,
      ...this.rules,
      '',
    ].join('\n');
  }
}
