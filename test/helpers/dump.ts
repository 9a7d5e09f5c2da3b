import type { Analysis, Diagnostic, DocumentNode, Range, Token } from '../../language/index.ts';

const pos = (r: Range): string => `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
const tok = (t: Token): string => `${t.kind} ${JSON.stringify(t.text)}`;

/** A readable, position-exact dump of the syntax tree, for golden files. */
export function dumpTree(tree: DocumentNode): string {
  const out: string[] = [];
  for (const block of tree.blocks) {
    out.push(`block ${block.keyword.text}${block.header.map((h) => ' ' + tok(h)).join('')} ${pos(block.range)}${block.close ? '' : ' (unclosed)'}`);
    for (const st of block.statements) {
      out.push(`  statement ${st.head.text} ${pos(st.range)}`);
      for (const arg of st.args) {
        if (arg.kind === 'value') out.push(`    value ${tok(arg.token)} ${pos(arg.range)}`);
        else out.push(`    option ${arg.key.text}=${arg.value ? tok(arg.value) : '(none)'} ${pos(arg.range)}`);
      }
    }
  }
  out.push(`comments ${tree.comments.map((c) => JSON.stringify(c.text)).join(' ')}`);
  return out.join('\n');
}

/** Structure without positions: what "means the same" compares for the formatter. */
export function meaning(tree: DocumentNode): unknown {
  return tree.blocks.map((b) => ({
    block: b.keyword.text,
    header: b.header.map((h) => h.text),
    statements: b.statements.map((s) => ({
      head: s.head.text,
      args: s.args.map((a) => (a.kind === 'value' ? a.token.text : `${a.key.text}=${a.value?.text ?? ''}`)),
    })),
  }));
}

export function dumpModel(analysis: Analysis): string {
  const m = analysis.model;
  if (!m) return 'no model';
  const out = [
    `model ${m.name} task=${m.task} input=${m.input ? `[${m.input.join(', ')}]` : '?'} params=${m.params} memory=${m.memoryBytes}`,
    `data ${JSON.stringify(m.data ?? null)}`,
    `regularize ${JSON.stringify(m.regularize)}`,
    `train ${JSON.stringify(m.train)}`,
  ];
  for (const l of m.layers) {
    const shapes = `${l.inputShape ? `[${l.inputShape.join(', ')}]` : '?'} -> ${l.outputShape ? `[${l.outputShape.join(', ')}]` : '?'}`;
    out.push(
      `  ${l.name}${l.named ? '' : ' (auto)'} ${l.kind} ${l.activation} ${shapes} params=${l.params}${l.weightShape ? ` W=[${l.weightShape.join(', ')}]` : ''} reg=${JSON.stringify(l.reg)}`,
    );
  }
  return out.join('\n');
}

export function dumpDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const lines = [`${pos(d.range)} ${d.severity} ${d.code} ${d.message}`];
      if (d.fix) lines.push(`  fix: ${d.fix.title}: ${d.fix.edits.map((e) => `${pos(e.range)} -> ${JSON.stringify(e.newText)}`).join('; ')}`);
      for (const r of d.related ?? []) lines.push(`  related: ${pos(r.range)} ${r.message}`);
      return lines.join('\n');
    })
    .join('\n');
}
