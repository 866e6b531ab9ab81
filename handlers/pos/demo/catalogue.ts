// The vocabulary of the generated POS data: a Belgian brasserie-épicerie (Brussels), its
// catalogue, customers, staff and promotions. Prices in cents, VAT included; Belgian VAT:
// food served 12 %, drinks served 21 %, take-away food 6 %, gift vouchers 0 %.

export interface FamilleDef {
  nom: string;
  description: string;
  /** Index of the parent in FAMILLES, or null. */
  parent: number | null;
  code: string;
  /** Food gets a take-away variant at 6 %; drinks a large format. */
  kind: 'food' | 'drink' | 'shop' | 'voucher';
}

export const FAMILLES: FamilleDef[] = [
  { nom: 'Boissons chaudes', description: 'Cafés, thés et chocolats chauds', parent: null, code: 'CHD', kind: 'drink' },
  { nom: 'Softs & eaux', description: 'Eaux, sodas et jus', parent: null, code: 'SFT', kind: 'drink' },
  { nom: 'Bières', description: 'Bières belges', parent: null, code: 'BIE', kind: 'drink' },
  { nom: 'Bières pression', description: 'Au fût, servies au verre', parent: 2, code: 'PRS', kind: 'drink' },
  { nom: 'Trappistes & abbayes', description: 'En bouteille', parent: 2, code: 'TRP', kind: 'drink' },
  { nom: 'Vins & bulles', description: 'Au verre et en bouteille', parent: null, code: 'VIN', kind: 'drink' },
  { nom: 'Apéritifs & genièvres', description: '', parent: null, code: 'APE', kind: 'drink' },
  { nom: 'Entrées', description: 'Servies à table', parent: null, code: 'ENT', kind: 'food' },
  { nom: 'Plats', description: 'Cuisine belge de saison', parent: null, code: 'PLT', kind: 'food' },
  { nom: 'Friterie', description: 'Frites fraîches et snacks', parent: null, code: 'FRI', kind: 'food' },
  { nom: 'Desserts', description: '', parent: null, code: 'DES', kind: 'food' },
  { nom: 'Boulangerie', description: 'Pains et viennoiseries du jour', parent: null, code: 'BOU', kind: 'shop' },
  { nom: 'Épicerie fine', description: 'Produits du terroir à emporter', parent: null, code: 'EPI', kind: 'shop' },
  { nom: 'Chocolats & biscuits', description: 'Pralines, spéculoos, cuberdons', parent: 12, code: 'CHO', kind: 'shop' },
  { nom: 'Bons cadeaux', description: 'Hors TVA jusqu’à utilisation', parent: null, code: 'BON', kind: 'voucher' },
];

/** [famille index, nom, prix TTC in cents, taux TVA, unité]. */
export type ProduitDef = [number, string, number, 0 | 6 | 12 | 21, string];

export const PRODUITS: ProduitDef[] = [
  [0, 'Espresso', 260, 21, 'piece'], [0, 'Café', 280, 21, 'piece'], [0, 'Cappuccino', 380, 21, 'piece'],
  [0, 'Latte macchiato', 420, 21, 'piece'], [0, 'Thé (sélection)', 300, 21, 'piece'], [0, 'Chocolat chaud', 400, 21, 'piece'],
  [0, 'Irish coffee', 900, 21, 'piece'],
  [1, 'Spa Reine 25cl', 280, 21, 'piece'], [1, 'Spa Intense 25cl', 280, 21, 'piece'], [1, 'Coca-Cola 20cl', 300, 21, 'piece'],
  [1, 'Coca-Cola Zero 20cl', 300, 21, 'piece'], [1, 'Ice Tea 20cl', 320, 21, 'piece'], [1, 'Jus d’orange pressé', 450, 21, 'piece'],
  [1, 'Schweppes Tonic', 330, 21, 'piece'], [1, 'Limonade maison', 420, 21, 'piece'],
  [3, 'Jupiler 25cl', 280, 21, 'piece'], [3, 'Stella Artois 25cl', 290, 21, 'piece'], [3, 'Hoegaarden 25cl', 330, 21, 'piece'],
  [3, 'Leffe Blonde 33cl', 450, 21, 'piece'], [3, 'Kriek Boon 25cl', 400, 21, 'piece'], [3, 'Vedett Extra White', 420, 21, 'piece'],
  [4, 'Orval 33cl', 550, 21, 'piece'], [4, 'Westmalle Tripel 33cl', 520, 21, 'piece'], [4, 'Westmalle Dubbel 33cl', 500, 21, 'piece'],
  [4, 'Chimay Bleue 33cl', 520, 21, 'piece'], [4, 'Rochefort 10 33cl', 650, 21, 'piece'], [4, 'Achel Blonde 33cl', 520, 21, 'piece'],
  [4, 'Westvleteren 12 33cl', 1200, 21, 'piece'], [4, 'Duvel 33cl', 480, 21, 'piece'], [4, 'La Chouffe 33cl', 500, 21, 'piece'],
  [4, 'Tripel Karmeliet 33cl', 520, 21, 'piece'], [4, 'Kwak 33cl', 520, 21, 'piece'], [4, 'Saison Dupont 33cl', 480, 21, 'piece'],
  [4, 'Brugse Zot 33cl', 470, 21, 'piece'], [4, 'Gueuze Cantillon 37,5cl', 900, 21, 'piece'],
  [5, 'Verre de vin blanc', 550, 21, 'piece'], [5, 'Verre de vin rouge', 550, 21, 'piece'], [5, 'Verre de rosé', 550, 21, 'piece'],
  [5, 'Cava (verre)', 700, 21, 'piece'], [5, 'Crémant de Wallonie (bouteille)', 3400, 21, 'piece'],
  [5, 'Côtes du Rhône (bouteille)', 2600, 21, 'piece'], [5, 'Chardonnay Château de Bioul', 3900, 21, 'piece'],
  [6, 'Péket', 400, 21, 'piece'], [6, 'Genièvre de Hasselt', 450, 21, 'piece'], [6, 'Elixir d’Anvers', 600, 21, 'piece'],
  [6, 'Gin tonic belge', 1200, 21, 'piece'], [6, 'Maitrank', 650, 21, 'piece'],
  [7, 'Croquettes aux crevettes', 1450, 12, 'piece'], [7, 'Croquettes au fromage', 1150, 12, 'piece'],
  [7, 'Tomate-crevettes', 1650, 12, 'piece'], [7, 'Potage du jour', 650, 12, 'portion'], [7, 'Jambon d’Ardenne', 1250, 12, 'portion'],
  [7, 'Salade liégeoise', 1400, 12, 'piece'],
  [8, 'Carbonnade flamande', 1850, 12, 'piece'], [8, 'Moules-frites marinière', 2600, 12, 'piece'], [8, 'Vol-au-vent', 1900, 12, 'piece'],
  [8, 'Stoemp saucisse', 1650, 12, 'piece'], [8, 'Boulets à la liégeoise', 1750, 12, 'piece'], [8, 'Waterzooi de poulet', 2100, 12, 'piece'],
  [8, 'Steak frites sauce poivre', 2450, 12, 'piece'], [8, 'Américain préparé frites', 1950, 12, 'piece'],
  [8, 'Chicons au gratin', 1700, 12, 'piece'], [8, 'Anguilles au vert', 2700, 12, 'piece'], [8, 'Lapin à la Kriek', 2300, 12, 'piece'],
  [9, 'Frites (petite)', 300, 12, 'portion'], [9, 'Frites (grande)', 400, 12, 'portion'], [9, 'Sauce andalouse', 80, 12, 'portion'],
  [9, 'Sauce samouraï', 80, 12, 'portion'], [9, 'Mayonnaise', 70, 12, 'portion'], [9, 'Fricadelle', 350, 12, 'piece'],
  [9, 'Mitraillette', 850, 12, 'piece'], [9, 'Boulette sauce tomate', 450, 12, 'piece'], [9, 'Bicky burger', 550, 12, 'piece'],
  [10, 'Dame blanche', 850, 12, 'piece'], [10, 'Gaufre de Liège', 450, 12, 'piece'], [10, 'Gaufre de Bruxelles', 650, 12, 'piece'],
  [10, 'Crêpe au sucre', 500, 12, 'piece'], [10, 'Mousse au chocolat', 750, 12, 'piece'], [10, 'Café gourmand', 950, 12, 'piece'],
  [10, 'Tarte au riz', 550, 12, 'piece'],
  [11, 'Pain gris', 320, 6, 'piece'], [11, 'Pain blanc', 290, 6, 'piece'], [11, 'Baguette', 180, 6, 'piece'],
  [11, 'Croissant', 130, 6, 'piece'], [11, 'Couque au chocolat', 150, 6, 'piece'], [11, 'Cramique', 450, 6, 'piece'],
  [11, 'Craquelin', 520, 6, 'piece'], [11, 'Pistolet', 60, 6, 'piece'],
  [12, 'Fromage de Herve', 2450, 6, 'kg'], [12, 'Passendale', 2190, 6, 'kg'], [12, 'Chimay à la bière', 2690, 6, 'kg'],
  [12, 'Sirop de Liège', 450, 6, 'piece'], [12, 'Moutarde Tierenteyn', 550, 6, 'piece'], [12, 'Boudin de Liège', 1790, 6, 'kg'],
  [12, 'Jambon d’Ardenne tranché', 3890, 6, 'kg'], [12, 'Miel de Wallonie', 890, 6, 'piece'],
  [13, 'Pralines (ballotin 250 g)', 1650, 6, 'piece'], [13, 'Pralines (ballotin 500 g)', 3100, 6, 'piece'],
  [13, 'Spéculoos (paquet)', 350, 6, 'piece'], [13, 'Cuberdons (sachet)', 590, 6, 'piece'], [13, 'Pain à la grecque', 450, 6, 'piece'],
  [13, 'Tablette chocolat noir 72 %', 390, 6, 'piece'], [13, 'Manons (boîte)', 1450, 6, 'piece'],
  [14, 'Bon cadeau 25 €', 2500, 0, 'piece'], [14, 'Bon cadeau 50 €', 5000, 0, 'piece'],
];

export const NOMS = [
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet',
  'Dubois', 'Lambert', 'Dupont', 'Martin', 'Simon', 'Laurent', 'Leclercq', 'Lejeune', 'Renard', 'Lemaire',
  'Vermeulen', 'Van den Berghe', 'Hermans', 'Michiels', 'Desmet', 'Lefèvre', 'Dumont', 'Denis', 'Lecomte', 'François',
  'El Amrani', 'Benali', 'Nowak', 'Rossi', 'Yilmaz', 'Diallo', 'Van Damme', 'De Backer', 'Pauwels', 'Gérard',
];

export const PRENOMS = [
  'Louise', 'Emma', 'Olivia', 'Elena', 'Marie', 'Alice', 'Juliette', 'Mila', 'Lina', 'Camille',
  'Noah', 'Arthur', 'Louis', 'Liam', 'Jules', 'Adam', 'Victor', 'Lucas', 'Gabriel', 'Mohamed',
  'Sofie', 'Lotte', 'Ines', 'Nora', 'Sarah', 'Thomas', 'Maxime', 'Pieter', 'Jonas', 'Wout',
];

/** [code postal, ville, rue]. */
export const VILLES: [string, string, string][] = [
  ['1000', 'Bruxelles', 'Rue Neuve'], ['1050', 'Ixelles', 'Chaussée d’Ixelles'], ['1060', 'Saint-Gilles', 'Rue de la Victoire'],
  ['1180', 'Uccle', 'Chaussée d’Alsemberg'], ['1200', 'Woluwe-Saint-Lambert', 'Avenue Georges Henri'],
  ['1300', 'Wavre', 'Rue du Pont du Christ'], ['1348', 'Louvain-la-Neuve', 'Grand-Rue'], ['2000', 'Antwerpen', 'Meir'],
  ['3000', 'Leuven', 'Bondgenotenlaan'], ['4000', 'Liège', 'Rue Saint-Gilles'], ['5000', 'Namur', 'Rue de Fer'],
  ['6000', 'Charleroi', 'Boulevard Tirou'], ['7000', 'Mons', 'Rue de Nimy'], ['8000', 'Brugge', 'Steenstraat'],
  ['9000', 'Gent', 'Veldstraat'], ['1930', 'Zaventem', 'Stationsstraat'],
];

export const SOCIETES = [
  'Atelier Horta', 'Brasserie du Canal', 'Cabinet Lambert', 'Digital Wallonia Lab', 'Fiduciaire Mertens',
  'Immo Sablon', 'Kantoor Peeters', 'Les Ateliers du Midi', 'Traiteur Dupont', 'Vlaamse Bouw', 'Studio Flagey', 'TechHub Gent',
];

export const FORMES = ['SRL', 'SA', 'BV', 'NV', 'ASBL', 'SC'];

export const CAISSES = ['Caisse 1', 'Caisse 1', 'Caisse 2', 'Caisse 2', 'Caisse bar', 'Terrasse'];
export const VENDEURS = ['Sofie', 'Jonas', 'Amélie', 'Thomas', 'Nora', 'Youssef', 'Léa'];

export interface PromotionDef {
  nom: string;
  description: string;
  type: 'percentage' | 'fixed_amount' | 'fixed_price' | 'n_for_m';
  valeur: number | null;
  n?: [number, number];
  /** Days from today (local); null: open-ended. */
  debut: number | null;
  fin: number | null;
  actif: boolean;
  code: string | null;
  familles: number[];
  produits: number[];
}

export const PROMOTIONS: PromotionDef[] = [
  { nom: '3 trappistes pour le prix de 2', description: 'Sur toutes les trappistes en bouteille', type: 'n_for_m', valeur: null, n: [3, 2], debut: -10, fin: 20, actif: true, code: null, familles: [4], produits: [] },
  { nom: 'Happy hour pression', description: 'Du lundi au vendredi, 17 h – 19 h', type: 'percentage', valeur: 20, debut: -60, fin: null, actif: true, code: null, familles: [3], produits: [] },
  { nom: 'Formule lunch', description: 'Plat du jour à prix fixe', type: 'fixed_price', valeur: 1500, debut: -30, fin: 30, actif: true, code: null, familles: [], produits: [53, 56, 57] },
  { nom: 'Carte fidélité -10 %', description: 'Sur présentation de la carte', type: 'percentage', valeur: 10, debut: null, fin: null, actif: true, code: 'FIDELE10', familles: [], produits: [] },
  { nom: 'Semaine du chocolat', description: '2 € sur les ballotins', type: 'fixed_amount', valeur: 200, debut: -120, fin: -100, actif: true, code: null, familles: [13], produits: [] },
  { nom: 'Soldes épicerie', description: 'Fin de série', type: 'percentage', valeur: 15, debut: -75, fin: -45, actif: false, code: 'SOLDES', familles: [12], produits: [] },
  { nom: 'Fête de la frite', description: 'Grande frite au prix de la petite', type: 'fixed_price', valeur: 300, debut: 15, fin: 16, actif: true, code: null, familles: [], produits: [65] },
  { nom: 'Bulles en terrasse', description: 'Sur les bulles', type: 'percentage', valeur: 15, debut: 40, fin: 100, actif: true, code: 'ETE', familles: [5], produits: [39] },
];
