const EVENTS = ['pointerover', 'pointerdown', 'touchstart', 'focusin', 'keydown'];

/** @type {import('astro').ClientDirective} */
export default (load, _options, island) => {
  const start = async () => {
    for (const event of EVENTS) island.removeEventListener(event, start);
    const hydrate = await load();
    await hydrate();
  };
  for (const event of EVENTS) island.addEventListener(event, start, { passive: true });
};
