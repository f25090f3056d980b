// The map's fixed vocabulary: participant kinds, their colours, the choropleth's palette and class limits.

export const KINDS = ['resident', 'school', 'business', 'organisation', 'city', 'knowledgeInstitution'];

// Okabe–Ito, colour-blind safe; the same as the site's swatches (src/Web/Site/SiteFormat.cs).
export const KIND_COLOURS = {
  resident: '#E69F00',
  school: '#56B4E9',
  business: '#009E73',
  organisation: '#CC79A7',
  city: '#0072B2',
  knowledgeInstitution: '#D55E00',
};

// The stain: a neutral slate ramp from paper to ink, which none of the kind colours resembles.
export const PALETTE = ['#f7f7f3', '#dde2e6', '#c0c8d1', '#9ba7b5', '#778596', '#566479', '#3a475b', '#222c3c'];

// Fixed class limits (upper bounds; the last class is open), so a colour keeps its meaning while the stain grows
// and during the replay: quantiles would recolour the whole city at every step.
export const COUNT_LIMITS = [0, 2, 5, 10, 25, 50, 100];
export const PER_1000_LIMITS = [0, 1, 2, 5, 10, 20, 50];
