// The Okabe–Ito palette (Okabe & Ito 2008): eight colours told apart with every common colour-vision
// deficiency; the rating charts draw systems in this order. Text equivalents sit beside every chart.
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

export const colourOf = (i: number): string => OKABE_ITO[i % OKABE_ITO.length];
