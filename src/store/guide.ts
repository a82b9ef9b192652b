// The first-visit guide's one fact: whether this browser has dismissed it (localStorage), so a
// newcomer sees what to do first and a returning user is not told again.
import { create } from 'zustand';

export const GUIDE_STORAGE = 'persona-lab:first-visit-guide';

function dismissedBefore(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(GUIDE_STORAGE) === 'dismissed';
  } catch {
    return false;
  }
}

interface GuideState {
  dismissed: boolean;
  dismiss(): void;
  reopen(): void;
}

export const useGuide = create<GuideState>()((set) => ({
  dismissed: dismissedBefore(),
  dismiss() {
    try {
      localStorage.setItem(GUIDE_STORAGE, 'dismissed');
    } catch {
      // Storage blocked: dismissed for this visit only.
    }
    set({ dismissed: true });
  },
  reopen() {
    try {
      localStorage.removeItem(GUIDE_STORAGE);
    } catch {
      // as above
    }
    set({ dismissed: false });
  },
}));
