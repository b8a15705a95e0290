"""Build the solvent and polymer libraries: ``python -m training.build_libraries [--data DIR]``.

Writes ``assets/solvents.csv`` and ``assets/polymers.csv``. Every solvent
property comes from the offline databases of the ``chemicals`` package (MIT) and is written with
the name of the table it came from; a value no table gives stays empty. The CHEM21 classes come
from ``assets/chem21.csv``, typed in from Prat et al., Green Chem. 2016, 18, 288-296. Polymer
names, repeat units, densities and molecular weights are curated here, with their sources.

The training data (``mtl_chiparameter/data_Chi.csv``, default ``../shared/data`` beside the
repository) is read only to list its solvents and polymers, so that every one of them is in the
libraries and flagged ``in_training_data``; nothing of it is copied but those structures.
See ``assets/README.md`` for the provenance of each column.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import pandas as pd
from rdkit import Chem

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
if str(REPO) not in sys.path:  # run as a script: make ``chiapp`` importable
    sys.path.insert(0, str(REPO))

from chiapp.chemistry import canonical_solvent, parse_polymer
from chiapp.properties import (
    REFERENCE_TEMPERATURE_K,
    boiling_point_c,
    flash_point_c,
    hansen_parameters_mpa05,
    melting_point_c,
    molar_volume_cm3_per_mol,
)

__all__ = [
    "POLYMER_COLUMNS",
    "POLYMER_ENTRIES",
    "REFERENCE_TEMPERATURE_K",
    "SOLVENT_COLUMNS",
    "SOLVENT_ENTRIES",
    "boiling_point_c",
    "build_polymer_table",
    "build_solvent_table",
    "flash_point_c",
    "hansen_parameters_mpa05",
    "load_chem21",
    "main",
    "melting_point_c",
    "molar_volume_cm3_per_mol",
    "solvent_record",
    "training_structures",
]

#: Temperature of the tabulated molar volume [K] (25 °C).
DEFAULT_DATA_DIR = REPO.parent / "shared" / "data"

SOLVENT_COLUMNS = (
    "name", "synonyms", "cas", "smiles", "formula", "molecular_weight_g_per_mol",
    "molar_volume_cm3_per_mol", "boiling_point_c", "melting_point_c", "flash_point_c",
    "delta_d_mpa05", "delta_p_mpa05", "delta_h_mpa05", "chem21_class", "in_training_data",
    "molar_volume_source", "boiling_point_source", "melting_point_source", "flash_point_source",
    "hansen_source",
)
POLYMER_COLUMNS = (
    "name", "abbreviation", "synonyms", "smiles", "density_g_per_cm3", "density_basis",
    "density_source", "molecular_weight_g_per_mol", "in_training_data", "notes",
)

# ---------------------------------------------------------------------------------------------
# Solvents: (name, CAS, synonyms). The CAS number picks the record in ``chemicals``; the name and
# synonyms are the ones a formulator types. Solvents of the training data that are not listed
# here are added from the data with the name ``chemicals`` gives them.
# ---------------------------------------------------------------------------------------------
SOLVENT_ENTRIES: tuple[tuple[str, str, str], ...] = (
    # water, alcohols, diols
    ("water", "7732-18-5", "H2O"),
    ("methanol", "67-56-1", "MeOH;methyl alcohol;wood alcohol"),
    ("ethanol", "64-17-5", "EtOH;ethyl alcohol"),
    ("1-propanol", "71-23-8", "n-propanol;propanol;propan-1-ol;n-propyl alcohol;nPrOH"),
    ("isopropanol", "67-63-0", "IPA;2-propanol;propan-2-ol;isopropyl alcohol;iPrOH"),
    ("1-butanol", "71-36-3", "n-butanol;butanol;butan-1-ol;n-butyl alcohol;BuOH;nBuOH"),
    ("2-butanol", "78-92-2", "sec-butanol;sec-butyl alcohol;butan-2-ol"),
    ("isobutanol", "78-83-1", "2-methyl-1-propanol;isobutyl alcohol;iBuOH"),
    ("tert-butanol", "75-65-0", "tert-butyl alcohol;t-BuOH;tBuOH;2-methyl-2-propanol"),
    ("1-pentanol", "71-41-0", "n-pentanol;n-amyl alcohol;amyl alcohol"),
    ("2-pentanol", "6032-29-7", "sec-amyl alcohol"),
    ("3-pentanol", "584-02-1", "diethyl carbinol"),
    ("isoamyl alcohol", "123-51-3", "3-methyl-1-butanol;isopentyl alcohol"),
    ("tert-amyl alcohol", "75-85-4", "2-methyl-2-butanol;TAA;t-amyl alcohol"),
    ("1-hexanol", "111-27-3", "n-hexanol;hexanol"),
    ("4-methyl-2-pentanol", "108-11-2", "MIBC;methyl isobutyl carbinol"),
    ("1-heptanol", "111-70-6", "n-heptanol;heptanol"),
    ("1-octanol", "111-87-5", "n-octanol;octanol"),
    ("2-octanol", "123-96-6", "capryl alcohol"),
    ("2-ethylhexanol", "104-76-7", "2-ethyl-1-hexanol;2-EH"),
    ("1-nonanol", "143-08-8", "n-nonanol"),
    ("1-decanol", "112-30-1", "n-decanol;decanol"),
    ("1-dodecanol", "112-53-8", "lauryl alcohol;dodecanol"),
    ("allyl alcohol", "107-18-6", "2-propen-1-ol"),
    ("cyclopentanol", "96-41-3", ""),
    ("cyclohexanol", "108-93-0", ""),
    ("benzyl alcohol", "100-51-6", "BnOH;phenylmethanol"),
    ("2-phenylethanol", "60-12-8", "phenethyl alcohol"),
    ("furfuryl alcohol", "98-00-0", "2-furanmethanol"),
    ("tetrahydrofurfuryl alcohol", "97-99-4", "THFA"),
    ("2,2,2-trifluoroethanol", "75-89-8", "TFE;trifluoroethanol"),
    ("hexafluoroisopropanol", "920-66-1", "HFIP;1,1,1,3,3,3-hexafluoro-2-propanol"),
    ("diacetone alcohol", "123-42-2", "DAA;4-hydroxy-4-methyl-2-pentanone"),
    ("ethylene glycol", "107-21-1", "EG;MEG;ethane-1,2-diol;monoethylene glycol"),
    ("diethylene glycol", "111-46-6", "DEG"),
    ("triethylene glycol", "112-27-6", "TEG"),
    ("tetraethylene glycol", "112-60-7", "TetraEG"),
    ("propylene glycol", "57-55-6", "1,2-propanediol;PG;MPG;monopropylene glycol"),
    ("1,3-propanediol", "504-63-2", "trimethylene glycol;PDO"),
    ("1,3-butanediol", "107-88-0", "1,3-butylene glycol"),
    ("1,4-butanediol", "110-63-4", "BDO;tetramethylene glycol"),
    ("2,3-butanediol", "513-85-9", ""),
    ("hexylene glycol", "107-41-5", "2-methyl-2,4-pentanediol;MPD"),
    ("glycerol", "56-81-5", "glycerin;glycerine;propane-1,2,3-triol"),
    ("solketal", "100-79-8", "isopropylidene glycerol;2,2-dimethyl-1,3-dioxolane-4-methanol"),
    ("phenol", "108-95-2", "carbolic acid"),
    ("m-cresol", "108-39-4", "3-methylphenol;meta-cresol"),
    ("o-cresol", "95-48-7", "2-methylphenol;ortho-cresol"),
    ("p-cresol", "106-44-5", "4-methylphenol;para-cresol"),
    # glycol ethers and their acetates
    ("2-methoxyethanol", "109-86-4", "methyl cellosolve;EGME;ethylene glycol monomethyl ether"),
    ("2-ethoxyethanol", "110-80-5", "cellosolve;EGEE;ethylene glycol monoethyl ether"),
    ("2-isopropoxyethanol", "109-59-1", "isopropyl cellosolve"),
    ("2-butoxyethanol", "111-76-2", "butyl cellosolve;EGBE;ethylene glycol monobutyl ether;butyl glycol"),
    ("2-phenoxyethanol", "122-99-6", "phenoxyethanol;ethylene glycol phenyl ether"),
    ("1-methoxy-2-propanol", "107-98-2", "PGME;PM;propylene glycol methyl ether;Dowanol PM"),
    ("1-ethoxy-2-propanol", "1569-02-4", "PGEE;propylene glycol ethyl ether"),
    ("1-propoxy-2-propanol", "1569-01-3", "PnP;propylene glycol n-propyl ether"),
    ("1-butoxy-2-propanol", "5131-66-8", "PnB;propylene glycol n-butyl ether"),
    ("diethylene glycol monomethyl ether", "111-77-3", "DEGME;methyl carbitol;2-(2-methoxyethoxy)ethanol"),
    ("diethylene glycol monoethyl ether", "111-90-0", "DEGEE;carbitol;Transcutol;2-(2-ethoxyethoxy)ethanol"),
    ("diethylene glycol monobutyl ether", "112-34-5", "DEGBE;butyl carbitol;butyl diglycol"),
    ("propylene glycol methyl ether acetate", "108-65-6", "PGMEA;PMA;1-methoxy-2-propyl acetate"),
    ("2-methoxyethyl acetate", "110-49-6", "methyl cellosolve acetate;EGMEA"),
    ("2-ethoxyethyl acetate", "111-15-9", "cellosolve acetate;EGEEA"),
    ("2-butoxyethyl acetate", "112-07-2", "butyl cellosolve acetate;EGBEA;butyl glycol acetate"),
    ("diethylene glycol monobutyl ether acetate", "124-17-4", "DEGBEA;butyl carbitol acetate"),
    # ethers
    ("diethyl ether", "60-29-7", "ether;Et2O;ethyl ether;DEE"),
    ("diisopropyl ether", "108-20-3", "DIPE;IPE;isopropyl ether"),
    ("ethyl propyl ether", "628-32-0", "1-ethoxypropane;propyl ethyl ether"),
    ("dipropyl ether", "111-43-3", "propyl ether;di-n-propyl ether"),
    ("dibutyl ether", "142-96-1", "butyl ether;di-n-butyl ether;DBE"),
    ("methyl tert-butyl ether", "1634-04-4", "MTBE;tert-butyl methyl ether;TBME"),
    ("ethyl tert-butyl ether", "637-92-3", "ETBE"),
    ("cyclopentyl methyl ether", "5614-37-9", "CPME;methoxycyclopentane"),
    ("tetrahydrofuran", "109-99-9", "THF;oxolane"),
    ("2-methyltetrahydrofuran", "96-47-9", "2-MeTHF;MeTHF;2-methyloxolane"),
    ("2,2,5,5-tetramethyloxolane", "15045-43-9", "TMO;2,2,5,5-tetramethyltetrahydrofuran"),
    ("tetrahydropyran", "142-68-7", "THP;oxane"),
    ("1,4-dioxane", "123-91-1", "dioxane;p-dioxane"),
    ("1,3-dioxolane", "646-06-0", "dioxolane"),
    ("dimethoxymethane", "109-87-5", "methylal;DMM"),
    ("1,2-dimethoxyethane", "110-71-4", "DME;glyme;monoglyme;ethylene glycol dimethyl ether"),
    ("diglyme", "111-96-6", "diethylene glycol dimethyl ether;bis(2-methoxyethyl) ether"),
    ("triglyme", "112-49-2", "triethylene glycol dimethyl ether"),
    ("tetraglyme", "143-24-8", "tetraethylene glycol dimethyl ether"),
    ("anisole", "100-66-3", "methoxybenzene;methyl phenyl ether"),
    ("phenetole", "103-73-1", "ethoxybenzene"),
    ("veratrole", "91-16-7", "1,2-dimethoxybenzene"),
    ("diphenyl ether", "101-84-8", "phenyl ether;DPE"),
    ("eucalyptol", "470-82-6", "1,8-cineole;cineole"),
    ("dimethyl isosorbide", "5306-85-4", "isosorbide dimethyl ether"),
    # ketones and aldehydes
    ("acetone", "67-64-1", "propanone;2-propanone;dimethyl ketone"),
    ("methyl ethyl ketone", "78-93-3", "MEK;2-butanone;butanone;ethyl methyl ketone"),
    ("2-pentanone", "107-87-9", "methyl propyl ketone;MPK"),
    ("3-pentanone", "96-22-0", "diethyl ketone;DEK"),
    ("methyl isopropyl ketone", "563-80-4", "MIPK;3-methyl-2-butanone"),
    ("methyl isobutyl ketone", "108-10-1", "MIBK;4-methyl-2-pentanone;4-methylpentan-2-one"),
    ("pinacolone", "75-97-8", "3,3-dimethyl-2-butanone;methyl tert-butyl ketone"),
    ("2-hexanone", "591-78-6", "methyl butyl ketone;MBK"),
    ("2-heptanone", "110-43-0", "methyl amyl ketone;MAK;methyl n-amyl ketone"),
    ("4-heptanone", "123-19-3", "dipropyl ketone"),
    ("2-octanone", "111-13-7", "methyl hexyl ketone"),
    ("methyl isoamyl ketone", "110-12-3", "MIAK;5-methyl-2-hexanone"),
    ("diisopropyl ketone", "565-80-0", "2,4-dimethyl-3-pentanone"),
    ("diisobutyl ketone", "108-83-8", "DIBK;2,6-dimethyl-4-heptanone"),
    ("cyclopentanone", "120-92-3", ""),
    ("cyclohexanone", "108-94-1", "anone"),
    ("cycloheptanone", "502-42-1", "suberone"),
    ("isophorone", "78-59-1", ""),
    ("mesityl oxide", "141-79-7", "4-methyl-3-penten-2-one"),
    ("acetylacetone", "123-54-6", "2,4-pentanedione;acac"),
    ("acetophenone", "98-86-2", "methyl phenyl ketone"),
    ("acetaldehyde", "75-07-0", "ethanal"),
    ("propionaldehyde", "123-38-6", "propanal"),
    ("butyraldehyde", "123-72-8", "butanal"),
    ("benzaldehyde", "100-52-7", ""),
    ("furfural", "98-01-1", "2-furaldehyde;furfuraldehyde"),
    ("Cyrene", "53716-82-8", "dihydrolevoglucosenone;cyrene"),
    # esters, carbonates, lactones
    ("methyl formate", "107-31-3", ""),
    ("ethyl formate", "109-94-4", ""),
    ("methyl acetate", "79-20-9", "MeOAc"),
    ("ethyl acetate", "141-78-6", "EtOAc;EA;ethyl ethanoate"),
    ("n-propyl acetate", "109-60-4", "propyl acetate;PrOAc;nPrOAc"),
    ("isopropyl acetate", "108-21-4", "iPrOAc;IPAc"),
    ("n-butyl acetate", "123-86-4", "butyl acetate;BuOAc;nBuOAc;BAc"),
    ("isobutyl acetate", "110-19-0", "iBuOAc"),
    ("sec-butyl acetate", "105-46-4", "sBuOAc"),
    ("tert-butyl acetate", "540-88-5", "tBuOAc;TBAc"),
    ("n-amyl acetate", "628-63-7", "pentyl acetate;amyl acetate"),
    ("2-pentyl acetate", "53496-15-4", "sec-amyl acetate;1-methylbutyl acetate;pentan-2-yl acetate"),
    ("isoamyl acetate", "123-92-2", "isopentyl acetate;3-methylbutyl acetate"),
    ("hexyl acetate", "142-92-7", "n-hexyl acetate"),
    ("2-ethylhexyl acetate", "103-09-3", ""),
    ("benzyl acetate", "140-11-4", ""),
    ("vinyl acetate", "108-05-4", "VAc;VAM"),
    ("methyl propionate", "554-12-1", ""),
    ("ethyl propionate", "105-37-3", ""),
    ("n-butyl propionate", "590-01-2", "butyl propionate"),
    ("methyl butyrate", "623-42-7", ""),
    ("ethyl butyrate", "105-54-4", ""),
    ("methyl lactate", "547-64-8", ""),
    ("ethyl lactate", "97-64-3", "EL"),
    ("butyl lactate", "138-22-7", "n-butyl lactate"),
    ("ethyl acetoacetate", "141-97-9", "EAA"),
    ("methyl acetoacetate", "105-45-3", "MAA"),
    ("methyl levulinate", "624-45-3", ""),
    ("ethyl levulinate", "539-88-8", ""),
    ("methyl laurate", "111-82-0", "methyl dodecanoate"),
    ("isopropyl myristate", "110-27-0", "IPM"),
    ("methyl benzoate", "93-58-3", ""),
    ("ethyl benzoate", "93-89-0", ""),
    ("benzyl benzoate", "120-51-4", ""),
    ("dimethyl phthalate", "131-11-3", "DMP"),
    ("diethyl phthalate", "84-66-2", "DEP"),
    ("dibutyl phthalate", "84-74-2", "DBP"),
    ("bis(2-ethylhexyl) phthalate", "117-81-7", "DEHP;dioctyl phthalate;DOP"),
    ("triacetin", "102-76-1", "glycerol triacetate;glyceryl triacetate"),
    ("diethyl malonate", "105-53-3", ""),
    ("dimethyl succinate", "106-65-0", ""),
    ("diethyl succinate", "123-25-1", ""),
    ("dimethyl glutarate", "1119-40-0", ""),
    ("dimethyl adipate", "627-93-0", ""),
    ("methyl acrylate", "96-33-3", "MA"),
    ("ethyl acrylate", "140-88-5", "EA monomer"),
    ("n-butyl acrylate", "141-32-2", "butyl acrylate;BA"),
    ("methyl methacrylate", "80-62-6", "MMA"),
    ("dimethyl carbonate", "616-38-6", "DMC"),
    ("diethyl carbonate", "105-58-8", "DEC"),
    ("ethylene carbonate", "96-49-1", "EC;1,3-dioxolan-2-one"),
    ("propylene carbonate", "108-32-7", "PC;4-methyl-1,3-dioxolan-2-one"),
    ("gamma-butyrolactone", "96-48-0", "GBL;γ-butyrolactone;butyrolactone"),
    ("gamma-valerolactone", "108-29-2", "GVL;γ-valerolactone"),
    ("delta-valerolactone", "542-28-9", "δ-valerolactone"),
    ("epsilon-caprolactone", "502-44-3", "ε-caprolactone;caprolactone"),
    ("triethyl phosphate", "78-40-0", "TEP"),
    ("trimethyl phosphate", "512-56-1", "TMP"),
    ("tributyl phosphate", "126-73-8", "TBP"),
    # amides, ureas, sulfur compounds, nitriles, nitro compounds
    ("formamide", "75-12-7", "methanamide"),
    ("N-methylformamide", "123-39-7", "NMF"),
    ("N,N-dimethylformamide", "68-12-2", "DMF;dimethylformamide"),
    ("N,N-diethylformamide", "617-84-5", "DEF"),
    ("N-methylacetamide", "79-16-3", "NMA"),
    ("N,N-dimethylacetamide", "127-19-5", "DMAc;DMAC;DMA;dimethylacetamide"),
    ("N,N-diethylacetamide", "685-91-6", "DEAc"),
    ("N-methyl-2-pyrrolidone", "872-50-4", "NMP;N-methylpyrrolidone;1-methyl-2-pyrrolidinone"),
    ("N-ethyl-2-pyrrolidone", "2687-91-4", "NEP;N-ethylpyrrolidone"),
    ("N-butyl-2-pyrrolidone", "3470-98-2", "NBP;N-butylpyrrolidinone"),
    ("2-pyrrolidone", "616-45-5", "2-pyrrolidinone;butyrolactam"),
    ("N-formylmorpholine", "4394-85-8", "NFM"),
    ("1,3-dimethyl-2-imidazolidinone", "80-73-9", "DMI;DMEU"),
    ("DMPU", "7226-23-5", "N,N'-dimethylpropyleneurea;1,3-dimethyl-3,4,5,6-tetrahydro-2(1H)-pyrimidinone"),
    ("tetramethylurea", "632-22-4", "TMU"),
    ("hexamethylphosphoramide", "680-31-9", "HMPA"),
    ("dimethyl sulfoxide", "67-68-5", "DMSO;methyl sulfoxide"),
    ("sulfolane", "126-33-0", "tetramethylene sulfone;tetrahydrothiophene 1,1-dioxide"),
    ("carbon disulfide", "75-15-0", "CS2"),
    ("thiophene", "110-02-1", ""),
    ("acetonitrile", "75-05-8", "MeCN;ACN;methyl cyanide"),
    ("propionitrile", "107-12-0", "propanenitrile;ethyl cyanide"),
    ("butyronitrile", "109-74-0", "butanenitrile;propyl cyanide"),
    ("valeronitrile", "110-59-8", "pentanenitrile"),
    ("acrylonitrile", "107-13-1", "AN;vinyl cyanide"),
    ("adiponitrile", "111-69-3", "hexanedinitrile"),
    ("benzonitrile", "100-47-0", "PhCN;cyanobenzene"),
    ("nitromethane", "75-52-5", "MeNO2"),
    ("nitroethane", "79-24-3", ""),
    ("1-nitropropane", "108-03-2", ""),
    ("2-nitropropane", "79-46-9", ""),
    ("nitrobenzene", "98-95-3", "PhNO2"),
    # amines and aza-aromatics
    ("n-propylamine", "107-10-8", "propylamine;1-aminopropane"),
    ("isopropylamine", "75-31-0", "2-aminopropane"),
    ("n-butylamine", "109-73-9", "butylamine"),
    ("diethylamine", "109-89-7", "DEA amine;Et2NH"),
    ("diisopropylamine", "108-18-9", "DIPA"),
    ("triethylamine", "121-44-8", "TEA;Et3N"),
    ("cyclohexylamine", "108-91-8", ""),
    ("ethylenediamine", "107-15-3", "EDA"),
    ("ethanolamine", "141-43-5", "MEA;2-aminoethanol;monoethanolamine"),
    ("diethanolamine", "111-42-2", "DEA;DEOA"),
    ("triethanolamine", "102-71-6", "TEOA"),
    ("N,N-dimethylethanolamine", "108-01-0", "DMEA;DMAE;dimethylaminoethanol"),
    ("N-methyldiethanolamine", "105-59-9", "MDEA"),
    ("morpholine", "110-91-8", ""),
    ("N-methylmorpholine", "109-02-4", "NMM"),
    ("piperidine", "110-89-4", ""),
    ("pyrrolidine", "123-75-1", ""),
    ("aniline", "62-53-3", "aminobenzene;phenylamine"),
    ("N,N-dimethylaniline", "121-69-7", "DMA aniline"),
    ("pyridine", "110-86-1", "py"),
    ("2-picoline", "109-06-8", "2-methylpyridine;alpha-picoline"),
    ("3-picoline", "108-99-6", "3-methylpyridine;beta-picoline"),
    ("4-picoline", "108-89-4", "4-methylpyridine;gamma-picoline"),
    ("2,6-lutidine", "108-48-5", "2,6-dimethylpyridine"),
    ("quinoline", "91-22-5", ""),
    # acids and anhydrides
    ("formic acid", "64-18-6", "methanoic acid"),
    ("acetic acid", "64-19-7", "AcOH;HOAc;ethanoic acid;glacial acetic acid"),
    ("propionic acid", "79-09-4", "propanoic acid"),
    ("butyric acid", "107-92-6", "butanoic acid"),
    ("lactic acid", "50-21-5", "2-hydroxypropanoic acid"),
    ("levulinic acid", "123-76-2", "4-oxopentanoic acid"),
    ("trifluoroacetic acid", "76-05-1", "TFA"),
    ("acetic anhydride", "108-24-7", "Ac2O"),
    # aromatics
    ("benzene", "71-43-2", "benzol"),
    ("toluene", "108-88-3", "methylbenzene;toluol"),
    ("o-xylene", "95-47-6", "1,2-dimethylbenzene;ortho-xylene"),
    ("m-xylene", "108-38-3", "1,3-dimethylbenzene;meta-xylene"),
    ("p-xylene", "106-42-3", "xylene;xylenes;1,4-dimethylbenzene;para-xylene"),
    ("ethylbenzene", "100-41-4", ""),
    ("n-propylbenzene", "103-65-1", "propylbenzene"),
    ("cumene", "98-82-8", "isopropylbenzene"),
    ("n-butylbenzene", "104-51-8", "butylbenzene"),
    ("tert-butylbenzene", "98-06-6", ""),
    ("mesitylene", "108-67-8", "1,3,5-trimethylbenzene"),
    ("pseudocumene", "95-63-6", "1,2,4-trimethylbenzene"),
    ("p-cymene", "99-87-6", "4-isopropyltoluene;cymene"),
    ("1,4-diethylbenzene", "105-05-5", "p-diethylbenzene"),
    ("styrene", "100-42-5", "vinylbenzene;styrene monomer"),
    ("indane", "496-11-7", "indan;hydrindene"),
    ("tetralin", "119-64-2", "1,2,3,4-tetrahydronaphthalene;tetrahydronaphthalene"),
    ("naphthalene", "91-20-3", ""),
    ("1-methylnaphthalene", "90-12-0", "alpha-methylnaphthalene"),
    ("fluorobenzene", "462-06-6", ""),
    ("chlorobenzene", "108-90-7", "MCB;PhCl;monochlorobenzene"),
    ("bromobenzene", "108-86-1", "PhBr"),
    ("iodobenzene", "591-50-4", "PhI"),
    ("1,2-dichlorobenzene", "95-50-1", "ODCB;o-dichlorobenzene;ortho-dichlorobenzene"),
    ("1,3-dichlorobenzene", "541-73-1", "m-dichlorobenzene"),
    ("1,2,4-trichlorobenzene", "120-82-1", "TCB"),
    ("1-chloronaphthalene", "90-13-1", "alpha-chloronaphthalene"),
    ("2-chlorotoluene", "95-49-8", "o-chlorotoluene"),
    ("4-chlorotoluene", "106-43-4", "p-chlorotoluene"),
    ("benzyl chloride", "100-44-7", "(chloromethyl)benzene"),
    ("benzotrifluoride", "98-08-8", "BTF;trifluorotoluene;(trifluoromethyl)benzene"),
    ("4-chlorobenzotrifluoride", "98-56-6", "PCBTF;p-chlorobenzotrifluoride"),
    ("hexafluorobenzene", "392-56-3", ""),
    # alkanes, cycloalkanes, alkenes
    ("propane", "74-98-6", ""),
    ("n-butane", "106-97-8", "butane"),
    ("isobutane", "75-28-5", "2-methylpropane"),
    ("n-pentane", "109-66-0", "pentane"),
    ("isopentane", "78-78-4", "2-methylbutane"),
    ("neopentane", "463-82-1", "2,2-dimethylpropane"),
    ("n-hexane", "110-54-3", "hexane;hexanes"),
    ("2-methylpentane", "107-83-5", "isohexane"),
    ("3-methylpentane", "96-14-0", ""),
    ("2,2-dimethylbutane", "75-83-2", "neohexane"),
    ("2,3-dimethylbutane", "79-29-8", "diisopropyl"),
    ("n-heptane", "142-82-5", "heptane;heptanes"),
    ("n-octane", "111-65-9", "octane"),
    ("isooctane", "540-84-1", "2,2,4-trimethylpentane"),
    ("n-nonane", "111-84-2", "nonane"),
    ("n-decane", "124-18-5", "decane"),
    ("n-undecane", "1120-21-4", "undecane"),
    ("n-dodecane", "112-40-3", "dodecane"),
    ("n-tetradecane", "629-59-4", "tetradecane"),
    ("n-hexadecane", "544-76-3", "hexadecane;cetane"),
    ("squalane", "111-01-3", "perhydrosqualene"),
    ("cyclopentane", "287-92-3", ""),
    ("methylcyclopentane", "96-37-7", ""),
    ("cyclohexane", "110-82-7", "hexahydrobenzene"),
    ("methylcyclohexane", "108-87-2", "MCH"),
    ("ethylcyclohexane", "1678-91-7", ""),
    ("butylcyclohexane", "1678-93-9", "n-butylcyclohexane"),
    ("cycloheptane", "291-64-5", ""),
    ("cyclooctane", "292-64-8", ""),
    ("decalin", "493-01-6", "decahydronaphthalene"),
    ("1-hexene", "592-41-6", "hex-1-ene"),
    ("1-heptene", "592-76-7", "hept-1-ene"),
    ("1-octene", "111-66-0", "oct-1-ene"),
    ("1-decene", "872-05-9", "dec-1-ene"),
    ("cyclohexene", "110-83-8", ""),
    # halogenated aliphatics
    ("chloromethane", "74-87-3", "methyl chloride"),
    ("dichloromethane", "75-09-2", "DCM;methylene chloride;CH2Cl2"),
    ("chloroform", "67-66-3", "trichloromethane;CHCl3"),
    ("carbon tetrachloride", "56-23-5", "CCl4;tetrachloromethane"),
    ("chloroethane", "75-00-3", "ethyl chloride"),
    ("1,1-dichloroethane", "75-34-3", "ethylidene chloride"),
    ("1,2-dichloroethane", "107-06-2", "DCE;EDC;ethylene dichloride"),
    ("1,1,1-trichloroethane", "71-55-6", "methyl chloroform;TCA"),
    ("1,1,2-trichloroethane", "79-00-5", ""),
    ("1,1,2,2-tetrachloroethane", "79-34-5", "TeCA"),
    ("trans-1,2-dichloroethylene", "156-60-5", "trans-1,2-dichloroethene"),
    ("trichloroethylene", "79-01-6", "TCE;trichloroethene;trichlor"),
    ("tetrachloroethylene", "127-18-4", "perchloroethylene;PCE;perc;tetrachloroethene"),
    ("1-chloropropane", "540-54-5", "n-propyl chloride"),
    ("2-chloropropane", "75-29-6", "isopropyl chloride"),
    ("1,2-dichloropropane", "78-87-5", "propylene dichloride"),
    ("1,2,3-trichloropropane", "96-18-4", ""),
    ("allyl chloride", "107-05-1", "3-chloropropene"),
    ("1-chlorobutane", "109-69-3", "n-butyl chloride"),
    ("1-chloropentane", "543-59-9", "n-amyl chloride"),
    ("epichlorohydrin", "106-89-8", "ECH"),
    ("dibromomethane", "74-95-3", "methylene bromide"),
    ("bromoform", "75-25-2", "tribromomethane"),
    ("bromoethane", "74-96-4", "ethyl bromide"),
    ("1-bromopropane", "106-94-5", "n-propyl bromide;nPB"),
    ("1,2-dibromoethane", "106-93-4", "ethylene dibromide;EDB"),
    ("iodomethane", "74-88-4", "methyl iodide;MeI"),
    ("perfluorohexane", "355-42-0", "tetradecafluorohexane"),
    # terpenes and other bio-based solvents
    ("d-limonene", "5989-27-5", "limonene;(R)-limonene;(+)-limonene"),
    ("alpha-pinene", "80-56-8", "α-pinene"),
    ("beta-pinene", "127-91-3", "β-pinene"),
    ("terpinolene", "586-62-9", ""),
    ("gamma-terpinene", "99-85-4", "γ-terpinene"),
    ("myrcene", "123-35-3", "beta-myrcene"),
    ("alpha-terpineol", "98-55-5", "α-terpineol;terpineol"),
    ("linalool", "78-70-6", ""),
    ("geraniol", "106-24-1", ""),
    ("2-methylfuran", "534-22-5", "2-MeF;sylvan"),
    ("furan", "110-00-9", ""),
    # siloxanes
    ("hexamethyldisiloxane", "107-46-0", "HMDSO;MM"),
    ("octamethylcyclotetrasiloxane", "556-67-2", "D4"),
    ("decamethylcyclopentasiloxane", "541-02-6", "D5"),
)

# ---------------------------------------------------------------------------------------------
# Polymers: (name, abbreviation, synonyms, repeat unit, density [g/cm3] or None, density basis,
# typical Mn [g/mol], notes). Densities are handbook values at 25 °C: 'amorphous' is the density
# of the amorphous polymer, 'typical' that of a usual commercial, partly crystalline grade;
# None where the curator had no handbook value. Mn is a representative commercial number-average
# molecular weight chosen as the default chain length, not a measurement.
# ---------------------------------------------------------------------------------------------
_MARK = "Mark, Physical Properties of Polymers Handbook, 2nd ed., Springer 2007"
_BI = "Brandrup, Immergut, Grulke, Polymer Handbook, 4th ed., Wiley 1999"

POLYMER_ENTRIES: tuple[tuple, ...] = (
    # polyolefins and elastomers
    ("polyethylene", "PE", "polyethene;HDPE;LDPE;LLDPE;polythene;high-density polyethylene;PE-HD;"
     "linear polyethylene;low-density polyethylene;PE-LD;branched polyethylene;linear low-density polyethylene;"
     "PE-LLD", "*CC*", 0.855, "amorphous", 50000, ""),
    ("polypropylene", "PP", "isotactic polypropylene;polypropene;iPP;aPP;atactic polypropylene", "*CC(*)C", 0.85,
     "amorphous", 50000, ""),
    ("poly(1-butene)", "PB-1", "polybutene-1;polybutylene", "*CC(*)CC", 0.86, "amorphous", 50000, ""),
    ("poly(4-methyl-1-pentene)", "PMP", "TPX;P4MP1", "*CC(*)CC(C)C", 0.84, "amorphous", 50000, ""),
    ("poly(ethylene-co-butylene)", "EB", "hydrogenated polybutadiene;SEBS midblock;ethylene-butylene",
     "*CCCCCCCCCC(*)CC", None, "", 50000,
     "random copolymer written as one repeat unit: hydrogenated polybutadiene with one 1,2-unit in three, "
     "the midblock of SEBS; added as a compatibilizer segment"),
    ("polyisobutylene", "PIB", "butyl rubber backbone;polyisobutene", "*CC(*)(C)C", 0.918, "amorphous", 100000, ""),
    ("cis-1,4-polybutadiene", "PB", "polybutadiene;PBD;BR;butadiene rubber;cis-polybutadiene", "*C/C=C\\C*",
     0.90, "amorphous", 100000, "the rubber phase of ABS"),
    ("trans-1,4-polybutadiene", "trans-PB", "trans-polybutadiene", "*C/C=C/C*", None, "", 100000, ""),
    ("1,2-polybutadiene", "1,2-PB", "vinyl polybutadiene;syndiotactic 1,2-polybutadiene", "*CC(*)C=C",
     None, "", 100000, ""),
    ("cis-1,4-polyisoprene", "PI", "polyisoprene;natural rubber;NR;IR;isoprene rubber", "*C/C(C)=C\\C*",
     0.91, "amorphous", 100000, ""),
    ("trans-1,4-polyisoprene", "trans-PI", "gutta-percha;balata", "*C/C(C)=C/C*", None, "", 100000, ""),
    ("polychloroprene", "CR", "neoprene;chloroprene rubber;poly(2-chloro-1,3-butadiene)", "*C/C(Cl)=C/C*",
     1.23, "typical", 100000, "repeat unit as in the training data (trans)"),
    # vinyls and styrenics
    ("polystyrene", "PS", "atactic polystyrene;aPS;GPPS;poly(vinylbenzene);isotactic polystyrene;iPS;"
     "syndiotactic polystyrene;sPS", "*CC(*)c1ccccc1", 1.05, "amorphous", 100000, ""),
    ("poly(alpha-methylstyrene)", "PAMS", "poly(α-methylstyrene)", "*CC(*)(C)c1ccccc1", 1.065, "amorphous", 100000, ""),
    ("poly(4-chlorostyrene)", "P4ClS", "poly(p-chlorostyrene)", "*CC(*)c1ccc(Cl)cc1", None, "", 100000, ""),
    ("poly(2-chlorostyrene)", "P2ClS", "poly(o-chlorostyrene)", "*CC(*)c1ccccc1Cl", None, "", 100000, ""),
    ("poly(4-hydroxystyrene)", "PHS", "poly(p-vinylphenol);PVPh;poly(4-vinylphenol)", "*CC(*)c1ccc(O)cc1",
     None, "", 20000, ""),
    ("poly(vinyl chloride)", "PVC", "polyvinyl chloride;vinyl", "*CC(*)Cl", 1.39, "typical", 50000, ""),
    ("poly(vinylidene chloride)", "PVDC", "polyvinylidene chloride;saran;poly(1,1-dichloroethylene)", "*CC(*)(Cl)Cl",
     None, "", 50000, ""),
    ("poly(vinyl fluoride)", "PVF", "polyvinyl fluoride;tedlar", "*CC(*)F", None, "", 100000, ""),
    ("poly(vinylidene fluoride)", "PVDF", "polyvinylidene fluoride;PVF2;kynar", "*CC(*)(F)F", 1.78, "typical", 100000, ""),
    ("polytetrafluoroethylene", "PTFE", "teflon;poly(tetrafluoroethylene)", "*C(F)(F)C(*)(F)F", 2.2, "typical",
     1000000, ""),
    ("polychlorotrifluoroethylene", "PCTFE", "poly(chlorotrifluoroethylene)", "*C(F)(F)C(*)(F)Cl", None, "",
     100000, ""),
    ("polyacrylonitrile", "PAN", "poly(acrylonitrile);acrylic fibre", "*CC(*)C#N", 1.18, "typical", 100000,
     "the acrylonitrile phase of ABS"),
    ("poly(vinyl acetate)", "PVAc", "polyvinyl acetate;PVA glue", "*CC(*)OC(C)=O", 1.19, "amorphous", 100000, ""),
    ("poly(vinyl alcohol)", "PVA", "polyvinyl alcohol;PVOH;fully hydrolysed PVA", "*CC(*)O", 1.27, "typical", 50000,
     ""),
    ("poly(vinyl methyl ether)", "PVME", "polyvinyl methyl ether;poly(methyl vinyl ether)", "*CC(*)OC",
     1.05, "amorphous", 50000, ""),
    ("poly(N-vinylpyrrolidone)", "PVP", "polyvinylpyrrolidone;povidone", "*CC(*)N1CCCC1=O", None, "", 40000, ""),
    ("poly(N-vinylcarbazole)", "PVK", "polyvinylcarbazole", "*CC(*)n1c2ccccc2c2ccccc21", None, "", 100000, ""),
    ("poly(4-vinylpyridine)", "P4VP", "", "*CC(*)c1ccncc1", None, "", 50000, ""),
    ("poly(2-vinylpyridine)", "P2VP", "", "*CC(*)c1ccccn1", None, "", 50000, ""),
    ("poly(vinyl butyral)", "PVB", "polyvinyl butyral;Butvar;Mowital", "*CC(O)CC1CC(*)OC(CCC)O1", 1.10,
     "amorphous", 30000,
     "random terpolymer written as one vinyl butyral (1,3-dioxane) unit per vinyl alcohol unit: 23.7 wt% "
     "(33 mol% of vinyl units) vinyl alcohol against 18-20 wt% (about 27 mol%) in resins such as Eastman "
     "Butvar B-98, whose 0-2.5 wt% vinyl acetate is left out; amorphous. Density: Butvar B-98 specific "
     "gravity 1.100 (Eastman data). Mn chosen (Butvar B-98 Mw 40,000-70,000); density not from Mark"),
    # packaging copolymers of ethylene (random copolymers written as one repeat unit of about the
    # nominal composition; the sequence inside the unit is a choice, not a measurement)
    ("poly(ethylene-co-vinyl alcohol), 32 mol% ethylene", "EVOH32",
     "EVOH;ethylene vinyl alcohol;ethylene-vinyl alcohol copolymer;EVAL;EVAL F;EVAL F101B;EVOH 32%",
     "*CCCC(O)CC(*)O", 1.19, "typical", 30000,
     "one ethylene per two vinyl alcohol units: 33.3 mol% (24.2 wt%) ethylene against 32 mol% (23.1 wt%) "
     "nominal. Density 1.19 g/cm3 of the semicrystalline resin: Kuraray EVAL F101B data sheet (not Mark). "
     "Mn chosen (Mw about 60,000: Wypych, Handbook of Polymers, 2012)"),
    ("poly(ethylene-co-vinyl alcohol), 44 mol% ethylene", "EVOH44", "EVAL E;EVAL E105B;EVOH 44%",
     "*CCCC(O)CCCC(O)CCCC(O)CC(*)O", 1.14, "typical", 30000,
     "three ethylene per four vinyl alcohol units (E V E V E V V): 42.9 mol% (32.3 wt%) ethylene against "
     "44 mol% (33.3 wt%) nominal. Density 1.14 g/cm3 of the semicrystalline resin: Kuraray EVAL E105B data "
     "sheet (not Mark). Mn chosen (Mw about 60,000: Wypych, Handbook of Polymers, 2012)"),
    ("poly(ethylene-co-vinyl acetate), 18 wt% VA", "EVA18",
     "EVA;ethylene vinyl acetate;ethylene-vinyl acetate copolymer;PEVA;EVAc;EVA 18%;Elvax 460",
     "*" + "CC" * 14 + "CC(*)OC(C)=O", 0.94, "typical", 50000,
     "fourteen ethylene per vinyl acetate unit: 17.98 wt% (6.67 mol%) VA against 18 wt% (6.68 mol%) nominal. "
     "Density 0.94 g/cm3 of the semicrystalline resin: DuPont Elvax 460 data sheet (0.941; not Mark). "
     "Mn chosen as for polyethylene"),
    ("poly(ethylene-co-vinyl acetate), 28 wt% VA", "EVA28", "EVA 28%;Elvax 260",
     "*" + "CC" * 8 + "CC(*)OC(C)=O", 0.95, "typical", 50000,
     "eight ethylene per vinyl acetate unit: 27.7 wt% (11.1 mol%) VA against 28 wt% (11.2 mol%) nominal. "
     "Density 0.95 g/cm3 of the semicrystalline resin: DuPont Elvax 2xx (28 wt% VA) data sheets (not Mark). "
     "Mn chosen as for polyethylene"),
    ("poly(ethylene-co-methacrylic acid)", "EMAA",
     "ionomer;Surlyn;Nucrel;E/MAA;ethylene-methacrylic acid copolymer;ethylene methacrylic acid ionomer",
     "*" + "CC" * 17 + "CC(*)(C)C(=O)O", 0.94, "typical", 50000,
     "the acid copolymer of ionomers such as Surlyn: seventeen ethylene per methacrylic acid unit, 15.3 wt% "
     "(5.6 mol%) MAA against about 15 wt% (5.4 mol%) in Surlyn 8940 / Nucrel 925. The Na+ or Zn2+ that "
     "neutralizes part of the acid in an ionomer cannot be represented: an ionomer is modelled as its acid "
     "copolymer. Density 0.94 g/cm3: Nucrel 925 data sheet (Surlyn 8940: 0.95; not Mark). "
     "Mn chosen as for polyethylene"),
    # acrylics and acrylamides
    ("poly(methyl methacrylate)", "PMMA", "polymethyl methacrylate;acrylic glass;plexiglas;perspex",
     "*CC(*)(C)C(=O)OC", 1.18, "amorphous", 100000, ""),
    ("poly(ethyl methacrylate)", "PEMA", "", "*CC(*)(C)C(=O)OCC", 1.12, "amorphous", 100000, ""),
    ("poly(n-butyl methacrylate)", "PBMA", "poly(butyl methacrylate)", "*CC(*)(C)C(=O)OCCCC", 1.05, "amorphous",
     100000, ""),
    ("poly(2-hydroxyethyl methacrylate)", "PHEMA", "polyHEMA", "*CC(*)(C)C(=O)OCCO", None, "", 100000, ""),
    ("poly(methyl acrylate)", "PMA", "polymethyl acrylate", "*CC(*)C(=O)OC", 1.22, "amorphous", 100000, ""),
    ("poly(ethyl acrylate)", "PEA", "polyethyl acrylate", "*CC(*)C(=O)OCC", 1.12, "amorphous", 100000, ""),
    ("poly(n-butyl acrylate)", "PnBA", "poly(butyl acrylate)", "*CC(*)C(=O)OCCCC", 1.08, "amorphous", 100000, ""),
    ("poly(glycidyl methacrylate)", "PGMA", "polyglycidyl methacrylate", "*CC(*)(C)C(=O)OCC1CO1", None, "",
     50000, "the epoxide unit of E-GMA and PE-g-GMA compatibilizers (reacts with -COOH/-OH ends of "
     "polyesters); added as a compatibilizer segment"),
    ("poly(maleic anhydride)", "PMAH", "polymaleic anhydride",
     "*C1C(*)C(=O)OC1=O", None, "", 10000, "the anhydride unit of PE-g-MAH and PP-g-MAH compatibilizers "
     "(reacts with the amine ends of polyamides); added as a compatibilizer segment"),
    ("poly(acrylic acid)", "PAA", "polyacrylic acid", "*CC(*)C(=O)O", None, "", 100000, ""),
    ("poly(methacrylic acid)", "PMAA", "polymethacrylic acid", "*CC(*)(C)C(=O)O", None, "", 100000, ""),
    ("polyacrylamide", "PAM", "poly(acrylamide);PAAm", "*CC(*)C(N)=O", None, "", 100000, ""),
    ("polymethacrylamide", "PMAm", "poly(methacrylamide)", "*CC(*)(C)C(N)=O", None, "", 100000, ""),
    ("poly(N-isopropylacrylamide)", "PNIPAM", "PNIPAAm;polyNIPAM", "*CC(*)C(=O)NC(C)C", None, "", 100000, ""),
    ("poly(N-ethylacrylamide)", "PNEAM", "", "*CC(*)C(=O)NCC", None, "", 100000, ""),
    ("poly(N,N-diethylacrylamide)", "PDEAM", "PDEAAm", "*CC(*)C(=O)N(CC)CC", None, "", 100000, ""),
    ("poly(N,N-dimethylacrylamide)", "PDMA", "PDMAm;PDMAA", "*CC(*)C(=O)N(C)C", None, "", 100000, ""),
    ("poly(N-acryloylpyrrolidine)", "PAPy", "", "*CC(*)C(=O)N1CCCC1", None, "", 100000, ""),
    ("poly(dimethylaminooxy acrylate)", "", "", "*CC(*)C(=O)ON(C)C", None, "", 100000,
     "structure as written in the training data (an O-acyl hydroxylamine, filed there with the "
     "acrylamides); possibly a transcription of poly(N,N-dimethylacrylamide), listed separately"),
    # polyethers and acetals
    ("polyoxymethylene", "POM", "polyacetal;acetal;polyformaldehyde;delrin;POM-H;acetal homopolymer", "*CO*", 1.41,
     "typical", 50000, ""),
    ("poly(ethylene oxide)", "PEO", "polyethylene glycol;PEG;poly(ethylene glycol);polyethylene oxide",
     "*CCO*", 1.13, "amorphous", 100000, ""),
    ("poly(propylene oxide)", "PPO", "polypropylene glycol;PPG;poly(propylene glycol);polypropylene oxide",
     "*CC(C)O*", 1.00, "amorphous", 4000, "not poly(phenylene oxide): see PPE"),
    ("poly(tetramethylene oxide)", "PTMO", "polytetrahydrofuran;PTHF;PTMEG;poly(tetrahydrofuran)", "*CCCCO*",
     0.98, "amorphous", 2000, ""),
    ("poly(1,3-dioxolane)", "PDXL", "polydioxolane", "*CCOCO*", None, "", 50000, ""),
    ("poly(epichlorohydrin)", "PECH", "polyepichlorohydrin;epichlorohydrin rubber", "*OCC(*)CCl", 1.36,
     "amorphous", 100000, ""),
    ("poly(2,6-dimethyl-1,4-phenylene oxide)", "PPE", "poly(phenylene oxide);poly(phenylene ether);PPO resin;noryl",
     "*Oc1c(C)cc(*)cc1C", 1.06, "amorphous", 30000, "the engineering plastic sold as PPO; abbreviated PPE here"),
    ("polydimethylsiloxane", "PDMS", "silicone;poly(dimethylsiloxane);dimethicone;silicone rubber",
     "*O[Si](*)(C)C", 0.97, "amorphous", 50000, ""),
    # polyesters and polycarbonates
    ("poly(ethylene terephthalate)", "PET", "polyethylene terephthalate;PETE;polyester;dacron",
     "*OCCOC(=O)c1ccc(C(*)=O)cc1", 1.335, "amorphous", 25000, ""),
    ("poly(butylene terephthalate)", "PBT", "polybutylene terephthalate;poly(tetramethylene terephthalate);"
     "poly(1,4-butylene terephthalate);PBTP", "*OCCCCOC(=O)c1ccc(C(*)=O)cc1",
     1.31, "typical", 25000, ""),
    ("glycol-modified poly(ethylene terephthalate)", "PETG",
     "PET-G;polyethylene terephthalate glycol;PET glycol;glycol-modified PET;Eastar 6763",
     "*OCCOC(=O)c1ccc(cc1)C(=O)OCCOC(=O)c1ccc(cc1)C(=O)OCC1CCC(CC1)COC(=O)c1ccc(cc1)C(*)=O", 1.27,
     "amorphous", 25000,
     "random copolyester written as two ethylene terephthalate units and one 1,4-cyclohexanedimethanol "
     "terephthalate unit: 33 mol% of the diol is CHDM (cis/trans not specified), against about 30 mol% in "
     "PETG such as Eastman Eastar 6763; amorphous. Density 1.27 g/cm3: Eastar 6763 data sheet (not Mark). "
     "Mn chosen as for PET"),
    ("poly(butylene adipate-co-terephthalate)", "PBAT",
     "polybutylene adipate terephthalate;poly(butylene adipate terephthalate);polybutyrate;ecoflex",
     "*OCCCCOC(=O)CCCCC(=O)OCCCCOC(=O)c1ccc(cc1)C(*)=O", 1.26, "typical", 30000,
     "random copolyester written as one butylene adipate and one butylene terephthalate unit: 50 mol% "
     "terephthalate among the diacids, somewhat more than in commercial PBAT (a little under half). "
     "Density 1.26 g/cm3: BASF ecoflex F Blend C1200 product information (1.25-1.27; not Mark). Mn chosen"),
    ("poly(trimethylene terephthalate)", "PTT", "polytrimethylene terephthalate", "*OCCCOC(=O)c1ccc(C(*)=O)cc1",
     None, "", 25000, ""),
    ("poly(ethylene naphthalate)", "PEN", "polyethylene naphthalate", "*OCCOC(=O)c1ccc2cc(C(*)=O)ccc2c1",
     None, "", 25000, ""),
    ("poly(ethylene furanoate)", "PEF", "polyethylene furanoate;poly(ethylene 2,5-furandicarboxylate)",
     "*OCCOC(=O)c1ccc(C(*)=O)o1", None, "", 25000, ""),
    ("bisphenol A polycarbonate", "PC", "polycarbonate;BPA-PC;lexan;makrolon",
     "*Oc1ccc(C(C)(C)c2ccc(OC(*)=O)cc2)cc1", 1.20, "amorphous", 25000, ""),
    ("poly(lactic acid)", "PLA", "polylactide;polylactic acid;PLLA;PDLLA;poly(L-lactide);poly(L-lactic acid);"
     "poly(DL-lactide);amorphous PLA;PLA 4% D;packaging PLA;Ingeo 2003D;PLA 2003D;Ingeo", "*OC(C)C(*)=O", 1.25,
     "amorphous", 100000, "stereochemistry not distinguished"),
    ("poly(glycolic acid)", "PGA", "polyglycolide", "*OCC(*)=O", None, "", 50000, ""),
    ("poly(3-hydroxybutyrate)", "PHB", "poly(3-hydroxybutyric acid);P3HB;polyhydroxybutyrate;"
     "poly(3-hydroxybutanoate)", "*OC(C)CC(*)=O",
     1.18, "amorphous", 100000, ""),
    ("polycaprolactone", "PCL", "poly(epsilon-caprolactone);poly(ε-caprolactone)", "*OCCCCCC(*)=O", 1.09,
     "amorphous", 50000, ""),
    ("poly(delta-valerolactone)", "PVL", "poly(δ-valerolactone);poly(5-valerolactone)", "*CCCCC(=O)O*",
     None, "", 50000, ""),
    ("poly(ethylene succinate)", "PES-succinate", "polyethylene succinate", "*OCCOC(=O)CCC(*)=O", None, "",
     30000, ""),
    ("poly(butylene succinate)", "PBS", "polybutylene succinate", "*OCCCCOC(=O)CCC(*)=O", 1.26, "typical",
     40000, ""),
    ("poly(ethylene adipate)", "PEAd", "polyethylene adipate", "*OCCOC(=O)CCCCC(*)=O", None, "", 30000, ""),
    ("poly(butylene adipate)", "PBA", "polybutylene adipate;poly(tetramethylene adipate)",
     "*CCCCOC(=O)CCCCC(=O)O*", None, "", 30000, ""),
    ("poly(hexamethylene sebacate)", "PHMS", "polyhexamethylene sebacate",
     "*OCCCCCCOC(=O)CCCCCCCCC(*)=O", None, "", 30000, ""),
    ("poly(propylene carbonate)", "PPC", "polypropylene carbonate", "*OC(C)COC(*)=O", None, "", 50000, ""),
    ("poly(trimethylene carbonate)", "PTMC", "polytrimethylene carbonate", "*OCCCOC(*)=O", None, "", 50000, ""),
    # polyamides
    ("polyamide 6", "PA6", "nylon 6;nylon-6;polycaprolactam;PA 6;poly(ε-caprolactam);perlon;Ultramid B",
     "*NCCCCCC(*)=O", 1.084, "amorphous", 25000, ""),
    ("polyamide 66", "PA66", "nylon 66;nylon-6,6;nylon 6,6;PA 66;PA6,6;nylon 6/6;PA 6.6;polyamide 6.6;"
     "poly(hexamethylene adipamide);Ultramid A", "*NCCCCCCNC(=O)CCCCC(*)=O",
     1.069, "amorphous", 20000, ""),
    ("polyamide 610", "PA610", "nylon 610;nylon-6,10;PA 610", "*NCCCCCCNC(=O)CCCCCCCCC(*)=O", None, "", 20000, ""),
    ("polyamide 11", "PA11", "nylon 11;nylon-11;PA 11", "*NCCCCCCCCCCC(*)=O", 1.04, "typical", 25000, ""),
    ("polyamide 12", "PA12", "nylon 12;nylon-12;PA 12", "*NCCCCCCCCCCCC(*)=O", 1.01, "typical", 25000, ""),
    # high-performance aromatics
    ("poly(ether ether ketone)", "PEEK", "polyetheretherketone", "*Oc1ccc(Oc2ccc(C(=O)c3ccc(*)cc3)cc2)cc1",
     1.26, "amorphous", 30000, ""),
    ("polyethersulfone", "PESU", "poly(ether sulfone);PES", "*Oc1ccc(S(=O)(=O)c2ccc(*)cc2)cc1", 1.37, "amorphous",
     30000, ""),
    ("polysulfone", "PSU", "bisphenol A polysulfone;PSF;udel",
     "*Oc1ccc(C(C)(C)c2ccc(Oc3ccc(S(=O)(=O)c4ccc(*)cc4)cc3)cc2)cc1", 1.24, "amorphous", 30000, ""),
    ("poly(phenylene sulfide)", "PPS", "polyphenylene sulfide", "*Sc1ccc(*)cc1", 1.35, "typical", 30000, ""),
    # cellulosics (repeat units as in the training data)
    ("cellulose diacetate", "CDA", "cellulose acetate;CA;acetate",
     "*O[C@H]1[C@H](OC(C)=O)[C@@H](OC(C)=O)[C@H](*)O[C@@H]1CO", 1.30, "typical", 50000,
     "2,3-di-O-acetyl glucose unit (degree of substitution 2)"),
    ("cellulose triacetate", "CTA", "triacetyl cellulose;TAC",
     "*O[C@H]1[C@H](OC(C)=O)[C@@H](OC(C)=O)[C@H](*)O[C@@H]1COC(C)=O", 1.28, "typical", 50000, ""),
    ("cellulose diacetate (training isomer)", "", "",
     "*O[C@H]1[C@H](O)[C@@H](OC(C)=O)[C@H](*)O[C@]1(CO)OC(C)=O", None, "", 50000,
     "structure as written in the training data (acetate on C5); probably a transcription of cellulose diacetate"),
    ("cellulose dinitrate (2,3-)", "CN", "cellulose nitrate;nitrocellulose",
     "*O[C@@H]1[C@@H](O[N+](=O)[O-])[C@H](*)O[C@H](CO)[C@H]1O[N+](=O)[O-]", None, "", 50000,
     "degree of substitution 2, as in the training data"),
    ("cellulose dinitrate (2,6-)", "", "",
     "*O[C@H]1[C@H](O)[C@@H](O[N+](=O)[O-])[C@H](*)O[C@@H]1CO[N+](=O)[O-]", None, "", 50000,
     "degree of substitution 2, as in the training data"),
    ("ethyl cellulose", "EC", "ethylcellulose", "*O[C@H]1[C@H](OCC)[C@@H](OCC)[C@H](*)O[C@@H]1CO", 1.14,
     "typical", 50000, "degree of substitution 2, as in the training data"),
    ("hydroxypropyl cellulose", "HPC", "hydroxypropylcellulose",
     "*O[C@H]1[C@H](OCC(C)O)[C@@H](OCC(C)O)[C@H](*)O[C@@H]1COCC(C)O", None, "", 100000,
     "molar substitution 3, as in the training data"),
)


# ---------------------------------------------------------------------------------------------
# Solvent properties from `chemicals`
# ---------------------------------------------------------------------------------------------
def _rdkit_canonical(smiles: str) -> str:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ValueError(f"RDKit cannot read {smiles!r}")
    return Chem.MolToSmiles(mol)


def solvent_record(name: str, cas: str, synonyms: str = "", smiles: str | None = None) -> dict:
    """One library row for the solvent with this CAS number, from the ``chemicals`` tables.

    ``smiles`` overrides the structure of the identifier database (used for the structures of the
    training data, so that they match the model's inputs exactly).
    """
    from chemicals.identifiers import search_chemical
    meta = search_chemical(cas)
    if meta.CASs != cas:
        raise ValueError(f"{name}: CAS {cas} resolves to {meta.CASs} in chemicals")
    structure = canonical_solvent(_rdkit_canonical(smiles or meta.smiles))
    record = {column: "" for column in SOLVENT_COLUMNS}
    record.update(name=name, synonyms=_join_synonyms(name, synonyms, meta), cas=cas, smiles=structure,
                  formula=meta.formula, molecular_weight_g_per_mol=round(meta.MW, 4))
    volume, source = molar_volume_cm3_per_mol(cas, meta.MW)
    if volume is not None:
        record.update(molar_volume_cm3_per_mol=round(volume, 2), molar_volume_source=source)
    for column, function in (("boiling_point", boiling_point_c), ("melting_point", melting_point_c),
                             ("flash_point", flash_point_c)):
        value, source = function(cas)
        if value is not None:
            record.update({f"{column}_c": round(value, 2), f"{column}_source": source})
    hansen, source = hansen_parameters_mpa05(cas)
    if hansen is not None:
        record.update(delta_d_mpa05=round(hansen[0], 2), delta_p_mpa05=round(hansen[1], 2),
                      delta_h_mpa05=round(hansen[2], 2), hansen_source=source)
    return record


def _join_synonyms(name: str, synonyms: str, meta) -> str:
    """Curated synonyms, then the common and IUPAC names of ``chemicals``; no repeats of the name."""
    seen = {name.lower()}
    out = []
    for synonym in [*synonyms.split(";"), meta.common_name, meta.iupac_name]:
        synonym = (synonym or "").strip()
        if synonym and synonym.lower() not in seen and ";" not in synonym:
            seen.add(synonym.lower())
            out.append(synonym)
    return ";".join(out)


# ---------------------------------------------------------------------------------------------
# Training structures, CHEM21, tables
# ---------------------------------------------------------------------------------------------
def training_structures(data_dir: Path = DEFAULT_DATA_DIR) -> tuple[list[str], list[str]]:
    """(polymer repeat units, solvent SMILES) of ``data_Chi.csv``, RDKit canonical, sorted."""
    path = Path(data_dir) / "mtl_chiparameter" / "data_Chi.csv"
    pairs = pd.read_csv(path, usecols=["ps_pair_nonCyclic"])["ps_pair_nonCyclic"].str.split("_", n=1)
    polymers = sorted({_rdkit_canonical(p[0]) for p in pairs})
    solvents = sorted({_rdkit_canonical(p[1]) for p in pairs})
    return polymers, solvents


def load_chem21(path: Path = ASSETS / "chem21.csv") -> dict[str, str]:
    """CAS -> CHEM21 class from the curated table (comment lines start with '#')."""
    table = pd.read_csv(path, comment="#", dtype=str)
    allowed = {"recommended", "problematic", "hazardous", "highly hazardous"}
    bad = set(table["chem21_class"]) - allowed
    if bad:
        raise ValueError(f"chem21.csv: unknown classes {sorted(bad)}; expected {sorted(allowed)}")
    return dict(zip(table["cas"], table["chem21_class"]))


def build_solvent_table(entries=SOLVENT_ENTRIES, training_solvents: list[str] = (),
                        chem21: dict[str, str] | None = None) -> pd.DataFrame:
    """The solvent library: the curated entries plus every training solvent not among them.

    A training solvent is matched to an entry by canonical SMILES; one that no entry covers is
    found in ``chemicals`` by InChIKey and named as ``chemicals`` names it.
    """
    from chemicals.identifiers import search_chemical
    chem21 = chem21 or {}
    records = [solvent_record(name, cas, synonyms) for name, cas, synonyms in entries]
    by_smiles = {r["smiles"]: r for r in records}
    for smiles in training_solvents:
        key = canonical_solvent(smiles)
        if key not in by_smiles:
            inchikey = Chem.MolToInchiKey(Chem.MolFromSmiles(smiles))
            meta = search_chemical(f"InChIKey={inchikey}")
            record = solvent_record(meta.common_name, meta.CASs, "", smiles=smiles)
            records.append(record)
            by_smiles[key] = record
        by_smiles[key]["in_training_data"] = True
    table = pd.DataFrame.from_records(records, columns=list(SOLVENT_COLUMNS))
    table["in_training_data"] = table["in_training_data"].eq(True)
    table["chem21_class"] = table["cas"].map(chem21).fillna("")
    return table


def build_polymer_table(entries=POLYMER_ENTRIES, training_polymers: list[str] = ()) -> pd.DataFrame:
    """The polymer library; raises if a training repeat unit has no curated entry (it needs a name)."""
    records = []
    for name, abbreviation, synonyms, smiles, density, basis, mn, notes in entries:
        parse_polymer(smiles)
        records.append({
            "name": name, "abbreviation": abbreviation, "synonyms": synonyms,
            "smiles": _rdkit_canonical(smiles),
            "density_g_per_cm3": density if density is not None else None,
            "density_basis": basis if density is not None else "",
            "density_source": _MARK if density is not None else "",
            "molecular_weight_g_per_mol": float(mn), "in_training_data": False, "notes": notes,
        })
    table = pd.DataFrame.from_records(records, columns=list(POLYMER_COLUMNS))
    index = {s: i for i, s in enumerate(table["smiles"])}
    missing = [s for s in training_polymers if _rdkit_canonical(s) not in index]
    if missing:
        raise ValueError(f"training polymers without a curated entry: {missing}")
    for smiles in training_polymers:
        table.loc[index[_rdkit_canonical(smiles)], "in_training_data"] = True
    return table


def _check_unique(table: pd.DataFrame, key, what: str) -> None:
    keys = table["smiles"].map(key)
    duplicated = table.loc[keys.duplicated(keep=False), ["name", "smiles"]]
    if not duplicated.empty:
        raise ValueError(f"duplicate {what} structures:\n{duplicated.to_string()}")
    names = table["name"].str.lower()
    if names.duplicated().any():
        raise ValueError(f"duplicate {what} names: {sorted(names[names.duplicated()])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR,
                        help="folder holding mtl_chiparameter/data_Chi.csv (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ASSETS, help="output folder (default: assets/)")
    args = parser.parse_args(argv)

    training_polymers, training_solvents = training_structures(args.data)
    solvents = build_solvent_table(SOLVENT_ENTRIES, training_solvents, load_chem21())
    _check_unique(solvents, lambda s: s, "solvent")
    polymers = build_polymer_table(POLYMER_ENTRIES, training_polymers)
    _check_unique(polymers, lambda s: s, "polymer")
    solvents.to_csv(args.out / "solvents.csv", index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    polymers.to_csv(args.out / "polymers.csv", index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    print(f"{len(solvents)} solvents ({int(solvents['in_training_data'].sum())} in the training data, "
          f"{int((solvents['chem21_class'] != '').sum())} with a CHEM21 class), "
          f"{len(polymers)} polymers ({int(polymers['in_training_data'].sum())} in the training data) "
          f"written to {args.out}")
    if args.out == ASSETS:
        from training.checksums import main as write_checksums
        write_checksums()
    return 0


if __name__ == "__main__":
    sys.exit(main())
