// icons.js — the line icons used across the UI, drawn as inline SVG (no icon font, CSP friendly).

const NS = 'http://www.w3.org/2000/svg';

const SHAPES = {
  chat: ['M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12Z'],
  heart: ['M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10Z'],
  send: ['M12 19V5', 'M5.5 11.5 12 5l6.5 6.5'],
  stop: [{ tag: 'rect', x: 6.5, y: 6.5, width: 11, height: 11, rx: 2, fill: 'currentColor', stroke: 'none' }],
  plus: ['M12 5v14', 'M5 12h14'],
  menu: ['M4 7h16', 'M4 12h16', 'M4 17h16'],
  more: [
    { tag: 'circle', cx: 5, cy: 12, r: 1.6, fill: 'currentColor', stroke: 'none' },
    { tag: 'circle', cx: 12, cy: 12, r: 1.6, fill: 'currentColor', stroke: 'none' },
    { tag: 'circle', cx: 19, cy: 12, r: 1.6, fill: 'currentColor', stroke: 'none' },
  ],
  search: [{ tag: 'circle', cx: 11, cy: 11, r: 6.5 }, 'm20 20-4.2-4.2'],
  edit: ['M4 20h4L19 9a2.1 2.1 0 0 0-4-4L4 16z', 'm13.5 6.5 4 4'],
  trash: ['M4 7h16', 'M9.5 7V4.5h5V7', 'M6.5 7l.9 12.5h9.2L17.5 7', 'M10 11v5.5', 'M14 11v5.5'],
  copy: [{ tag: 'rect', x: 9, y: 9, width: 11, height: 11, rx: 2.2 }, 'M15 5.5V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h.5'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  close: ['M6 6l12 12', 'M18 6 6 18'],
  down: ['M12 5v14', 'M5.5 12.5 12 19l6.5-6.5'],
  phone: ['M6.5 3.5h3l1.5 4.5-2 1.5a11 11 0 0 0 5.5 5.5l1.5-2 4.5 1.5v3a2 2 0 0 1-2 2A16.5 16.5 0 0 1 4.5 5.5a2 2 0 0 1 2-2z'],
  whatsapp: ['M4.5 19.5l1.2-3.6A8 8 0 1 1 8.3 18.6z', 'M9.5 9.5c.3 2.2 2.3 4.4 5 5'],
  mail: [{ tag: 'rect', x: 3.5, y: 5.5, width: 17, height: 13, rx: 2 }, 'm4 7 8 6 8-6'],
  pin: ['M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z', { tag: 'circle', cx: 12, cy: 10, r: 2.3 }],
  clock: [{ tag: 'circle', cx: 12, cy: 12, r: 8.5 }, 'M12 7.5V12l3 2'],
  bag: ['M5.5 8h13l-1 12h-11z', 'M9 8V6.5a3 3 0 0 1 6 0V8'],
  star: ['M12 4l2.4 5 5.4.6-4 3.7 1.1 5.4L12 16l-4.9 2.7 1.1-5.4-4-3.7 5.4-.6z'],
  building: ['M5 20.5V5.5l7-2v17', 'M12 9h7v11.5', 'M3.5 20.5h17', 'M8 8.5h1', 'M8 12h1', 'M8 15.5h1', 'M15 12.5h1', 'M15 16h1'],
  help: [{ tag: 'circle', cx: 12, cy: 12, r: 8.5 }, 'M9.6 9.5a2.5 2.5 0 0 1 4.8.9c0 1.7-2.4 2.1-2.4 3.6', 'M12 17h.01'],
  logout: ['M14 4.5h4a1.5 1.5 0 0 1 1.5 1.5v12a1.5 1.5 0 0 1-1.5 1.5h-4', 'M10 16.5 5.5 12 10 7.5', 'M5.5 12H15'],
  refresh: ['M19.5 12a7.5 7.5 0 1 1-2.2-5.3', 'M19.5 4.5v4h-4'],
  sidebar: [{ tag: 'rect', x: 3.5, y: 4.5, width: 17, height: 15, rx: 2.5 }, 'M9.5 4.5v15'],
};

export function icon(name, className = 'icon') {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', className);
  for (const shape of SHAPES[name] || []) svg.append(shapeNode(shape));
  return svg;
}

function shapeNode(shape) {
  if (typeof shape === 'string') {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', shape);
    return path;
  }
  const { tag, ...attrs } = shape;
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

// Replaces every <i data-icon="name"></i> placeholder under root with its SVG.
export function hydrateIcons(root = document) {
  for (const slot of root.querySelectorAll('i[data-icon]')) slot.replaceWith(icon(slot.dataset.icon));
}
