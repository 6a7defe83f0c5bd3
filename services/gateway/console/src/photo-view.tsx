import { useEffect, useRef, useState } from 'preact/hooks';

export interface PhotoTransform {
  zoom: number;
  /** Clockwise, in quarter turns (0..3). */
  quarterTurns: number;
}

export const ZOOM_STEPS = [1, 1.5, 2, 3, 4, 6];
export const zoomed = (t: PhotoTransform, step: 1 | -1): PhotoTransform => {
  const i = ZOOM_STEPS.indexOf(t.zoom);
  return { ...t, zoom: ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, Math.max(0, i + step))] };
};
export const rotated = (t: PhotoTransform): PhotoTransform => ({ ...t, quarterTurns: (t.quarterTurns + 1) % 4 });
export const UNTRANSFORMED: PhotoTransform = { zoom: 1, quarterTurns: 0 };

/** The frame's inner size, kept current as the window is resized. */
function useSize(ref: { current: HTMLElement | null }) {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/**
 * One evidence photo: fitted into its frame, zoomed (buttons, wheel) and turned by quarter turns.
 * The image is laid out at its zoomed, turned size inside a scrolling frame, so a zoomed photo can
 * be scrolled to every corner. Styles are set through the DOM (no inline style markup), as the
 * Content-Security-Policy allows.
 */
export function PhotoView(props: {
  label: string;
  url: string | null;
  failed: boolean;
  transform: PhotoTransform;
  selected: boolean;
  onSelect: () => void;
  onChange: (t: PhotoTransform) => void;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const size = useSize(frame);
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const { zoom, quarterTurns } = props.transform;
  const sideways = quarterTurns % 2 === 1;

  let box = { width: 0, height: 0 };
  let img = { width: 0, height: 0 };
  if (natural && size.width > 0 && size.height > 0) {
    const turnedW = sideways ? natural.height : natural.width;
    const turnedH = sideways ? natural.width : natural.height;
    const fit = Math.min(size.width / turnedW, size.height / turnedH) * zoom;
    img = { width: natural.width * fit, height: natural.height * fit };
    box = { width: turnedW * fit, height: turnedH * fit };
  }

  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    props.onSelect();
    props.onChange(zoomed(props.transform, e.deltaY < 0 ? 1 : -1));
  };

  return (
    <figure class={props.selected ? 'photo selected' : 'photo'} onClick={props.onSelect}>
      <figcaption>
        <span>{props.label}</span>
        <span class="photo-tools">
          <button type="button" title="Zoom out (-)" onClick={() => props.onChange(zoomed(props.transform, -1))}>−</button>
          <span class="zoom">{Math.round(zoom * 100)}%</span>
          <button type="button" title="Zoom in (+)" onClick={() => props.onChange(zoomed(props.transform, 1))}>+</button>
          <button type="button" title="Rotate 90° (o)" onClick={() => props.onChange(rotated(props.transform))}>⟳</button>
          <button type="button" title="Reset (0)" onClick={() => props.onChange(UNTRANSFORMED)}>1:1</button>
        </span>
      </figcaption>
      <div class="photo-frame" ref={frame} onWheel={onWheel}>
        {props.failed && <p class="photo-missing">This photo could not be loaded.</p>}
        {!props.failed && !props.url && <p class="photo-missing">Loading…</p>}
        {props.url && (
          <div class="photo-box" style={{ width: `${box.width}px`, height: `${box.height}px` }}>
            <img
              src={props.url}
              alt={props.label}
              draggable={false}
              data-rotation={quarterTurns * 90}
              style={{ width: `${img.width}px`, height: `${img.height}px`, transform: `translate(-50%, -50%) rotate(${quarterTurns * 90}deg)` }}
              onLoad={(e) => {
                const el = e.currentTarget as HTMLImageElement;
                setNatural({ width: el.naturalWidth, height: el.naturalHeight });
              }}
            />
          </div>
        )}
      </div>
    </figure>
  );
}
