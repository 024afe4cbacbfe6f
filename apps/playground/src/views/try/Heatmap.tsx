// The attention of a translation as an SVG grid: one row per output token, one column per source
// token, each cell coloured by how much that output token attended to that source token.
import { heatColour, normalise, textOnHeat } from '../colours.js';

export interface HeatmapProps {
  sourceTokens: string[];
  outputTokens: string[];
  /** [output][source] weights, rows summing to 1 (softmax). */
  attention: number[][];
}

const cell = 22;
/** Tokens beyond these are left out of the drawing (the grid would be unreadable anyway). */
const maxRows = 60;
const maxColumns = 60;

export function Heatmap({ sourceTokens, outputTokens, attention }: HeatmapProps) {
  const rows = outputTokens.slice(0, maxRows);
  const columns = sourceTokens.slice(0, maxColumns);
  const max = Math.max(0, ...rows.flatMap((_, r) => columns.map((_, c) => attention[r]?.[c] ?? 0)));
  const left = labelWidth(rows);
  const top = labelWidth(columns);
  // The column labels lean right: leave room for the last ones beyond the grid.
  const width = left + columns.length * cell + Math.round(top * 0.6);
  const height = top + rows.length * cell;
  return (
    <figure class="rv-heatmap">
      <svg
        data-testid="try-trans-heatmap"
        data-rows={rows.length}
        data-columns={columns.length}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Attention of ${rows.length} output tokens (rows) over ${columns.length} source tokens (columns)`}
      >
        {columns.map((token, c) => {
          const x = left + c * cell + cell / 2;
          return (
            <text
              key={`s${c}`}
              class="rv-heat-label"
              x={x}
              y={top - 4}
              transform={`rotate(-55 ${x} ${top - 4})`}
            >
              {token}
            </text>
          );
        })}
        {rows.map((token, r) => (
          <text
            key={`o${r}`}
            class="rv-heat-label"
            x={left - 4}
            y={top + r * cell + cell / 2 + 4}
            text-anchor="end"
          >
            {token}
          </text>
        ))}
        {rows.map((outToken, r) =>
          columns.map((sourceToken, c) => {
            const weight = attention[r]?.[c] ?? 0;
            const t = normalise(weight, 0, max);
            return (
              <g key={`${r}:${c}`}>
                <rect
                  x={left + c * cell}
                  y={top + r * cell}
                  width={cell - 1}
                  height={cell - 1}
                  fill={heatColour(weight, 0, max)}
                >
                  <title>{`${outToken} ← ${sourceToken}: ${weight.toFixed(3)}`}</title>
                </rect>
                {t > 0.5 && (
                  <text
                    class="rv-heat-value"
                    x={left + c * cell + cell / 2}
                    y={top + r * cell + cell / 2 + 3}
                    fill={textOnHeat(t)}
                    text-anchor="middle"
                  >
                    {Math.round(weight * 100)}
                  </text>
                )}
              </g>
            );
          }),
        )}
      </svg>
      <figcaption class="rv-muted">
        Rows: the output tokens; columns: the source tokens. Brighter cells: more attention
        {rows.length < outputTokens.length || columns.length < sourceTokens.length
          ? ` (the first ${maxRows} × ${maxColumns} tokens shown)`
          : ''}
        .
      </figcaption>
    </figure>
  );
}

/** Room for the longest label at the heat labels' font size (about 6.5 px per character). */
function labelWidth(tokens: readonly string[]): number {
  const longest = Math.min(16, Math.max(1, ...tokens.map((t) => t.length)));
  return 10 + longest * 6.5;
}
