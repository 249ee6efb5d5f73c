import { describe, expect, it } from 'vitest';
import { escapeXml, linearTicks, renderPlotSvg } from './svg-plot.ts';

describe('renderPlotSvg', () => {
  const svg = renderPlotSvg({
    title: 'Quality <vs> cost',
    xLabel: 'cost',
    yLabel: 'quality',
    logX: true,
    series: [
      {
        name: 'router & co',
        points: [
          { x: 0.001, y: 0.5 },
          { x: 0.01, y: 0.8 },
        ],
        color: '#1f77b4',
        line: true,
      },
      { name: 'models', points: [{ x: 0.002, y: 0.6, label: 'gpt' }], color: '#ff7f0e', marker: 'square' },
    ],
  });

  it('is a standalone SVG with title, axis labels, ticks and a legend entry per series', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Quality &#60;vs&#62; cost');
    expect(svg).toContain('>cost</text>');
    expect(svg).toContain('>0.005</text>');
    expect(svg).toContain('>router &#38; co</text>');
    expect(svg).toContain('>gpt</text>');
    expect(svg).toContain('<polyline');
  });

  it('refuses to plot nothing', () => {
    expect(() => renderPlotSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('chooses round linear ticks and escapes XML', () => {
    expect(linearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(escapeXml(`a<b>"c'&`)).toBe('a&#60;b&#62;&#34;c&#39;&#38;');
  });
});
