/** The terminal's size, following resizes; tests pass a fixed size. */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** Columns and rows. */
export interface TerminalSize {
  columns: number;
  rows: number;
}

/** The size to lay out for: `fixed` when given, else the real terminal (80x24 when unknown). */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState<TerminalSize>(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
