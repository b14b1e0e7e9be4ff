// The gift page's only script (server/gifts/page.ts renders the page): the countdown before the
// reveal, lyrics lit line by line as the song plays, the phone's lock-screen player (Media
// Session), share / copy, and the service worker that keeps an opened gift playable offline.
// Plain JavaScript served as it is, so the page needs no build and no framework.
(() => {
  const main = document.querySelector('main.gift');
  if (!main) return;

  // --- countdown ----------------------------------------------------------------------------
  const timer = document.querySelector('[data-reveal-at]');
  if (timer) {
    const at = Date.parse(timer.getAttribute('data-reveal-at'));
    const local = document.querySelector('time[data-local]');
    if (local) {
      local.textContent = new Date(at).toLocaleString(undefined, {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        hour: '2-digit',
        minute: '2-digit',
      });
    }
    const unit = (n, one) => `<span><b>${n}</b> ${one}${n === 1 ? '' : 's'}</span>`;
    const tick = () => {
      const left = Math.max(0, at - Date.now());
      if (left === 0) {
        if (navigator.onLine) location.reload();
        else timer.textContent = 'It is time! Connect to the internet to hear it.';
        return;
      }
      const s = Math.floor(left / 1000);
      // Numbers only, made here: nothing a person typed goes through innerHTML.
      timer.innerHTML = [
        unit(Math.floor(s / 86400), 'day'),
        unit(Math.floor((s % 86400) / 3600), 'hour'),
        unit(Math.floor((s % 3600) / 60), 'minute'),
        unit(s % 60, 'second'),
      ].join(' ');
      setTimeout(tick, 1000 - (Date.now() % 1000));
    };
    tick();
    window.addEventListener('online', () => Date.now() >= at && location.reload());
  }

  // --- the songs ----------------------------------------------------------------------------
  const sections = [...document.querySelectorAll('section.song')];
  const metadataOf = (section) => {
    if (!('mediaSession' in navigator) || typeof MediaMetadata === 'undefined') return;
    navigator.mediaSession.metadata = new MediaMetadata({
      title: section.dataset.title,
      artist: section.dataset.artist,
      album: 'Refrain',
      artwork: [
        {
          src: new URL(section.dataset.cover, location.href).href,
          sizes: '600x600',
          type: section.dataset.coverType,
        },
      ],
    });
  };
  for (const section of sections) {
    const audio = section.querySelector('audio');
    const lines = [...section.querySelectorAll('.lyrics[data-timed] li')];
    const starts = lines.map((li) => Number(li.dataset.t));
    let lit = -1;
    const light = () => {
      const t = audio.currentTime;
      let i = -1;
      while (i + 1 < starts.length && starts[i + 1] <= t + 0.05) i++;
      if (i === lit) return;
      if (lit >= 0) lines[lit].removeAttribute('aria-current');
      lit = i;
      if (i >= 0) {
        lines[i].setAttribute('aria-current', 'true');
        // Keep the sung line in view while playing, without jumping when it already is.
        const box = lines[i].getBoundingClientRect();
        if (!audio.paused && (box.top < 0 || box.bottom > innerHeight)) {
          lines[i].scrollIntoView({ block: 'center', behavior: 'smooth' });
        }
      }
    };
    if (audio && lines.length) {
      audio.addEventListener('timeupdate', light);
      audio.addEventListener('seeked', light);
      // A tap on a line plays from it.
      lines.forEach((li, i) =>
        li.addEventListener('click', () => {
          audio.currentTime = starts[i];
          void audio.play();
        }),
      );
    }
    if (audio) {
      audio.addEventListener('play', () => {
        metadataOf(section);
        for (const other of document.querySelectorAll('section.song audio')) {
          if (other !== audio) other.pause();
        }
      });
    }
  }
  if (sections[0]) metadataOf(sections[0]);

  // --- share and copy -----------------------------------------------------------------------
  const row = document.querySelector('[data-share-row]');
  if (row) {
    const link = location.origin + location.pathname;
    const shareButton = row.querySelector('[data-share]');
    const status = row.querySelector('[data-copy-status]');
    if (navigator.share) {
      shareButton.hidden = false;
      shareButton.addEventListener('click', () =>
        navigator.share({ title: document.title, url: link }).catch(() => {}),
      );
    }
    row.querySelector('[data-copy]').addEventListener('click', () =>
      navigator.clipboard.writeText(link).then(
        () => (status.textContent = 'Link copied.'),
        () => (status.textContent = link),
      ),
    );
    row.hidden = false;
  }

  // --- offline ------------------------------------------------------------------------------
  // Once opened, the gift is kept: this page, its script, covers and audio, so it plays on a
  // plane. The worker answers when everything is stored; the page then says so to tests and
  // anything else watching (data-offline="ready").
  const keep = () => {
    const urls = [
      location.pathname,
      '/g/gift.js',
      ...sections.flatMap((s) => [s.dataset.cover, s.querySelector('audio')?.getAttribute('src')]),
    ].filter(Boolean);
    navigator.serviceWorker
      .register('/g/sw.js', { scope: '/g/' })
      .then(() => navigator.serviceWorker.ready)
      .then(
        (reg) =>
          new Promise((resolve, reject) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = (e) => (e.data.ok ? resolve() : reject(e.data.error));
            reg.active.postMessage({ type: 'keep', urls }, [channel.port2]);
          }),
      )
      .then(() => (main.dataset.offline = 'ready'))
      .catch(() => (main.dataset.offline = 'failed'));
  };
  // After the page has loaded and the phone is idle: the song comes first, the copy after.
  if ('serviceWorker' in navigator) {
    const later = () => (window.requestIdleCallback ?? setTimeout)(keep);
    if (document.readyState === 'complete') later();
    else window.addEventListener('load', later, { once: true });
  }
})();
